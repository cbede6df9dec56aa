"""What a training run leaves behind for people: per-epoch metrics, plots and an HTML report."""

from kerastl.reporting.confusion_matrix_plot import confusion_matrix, plot_confusion_matrix
from kerastl.reporting.html_report import REPORT_FILE, render_html_report, write_html_report
from kerastl.reporting.main_metric import headline_metrics, main_metric_name
from kerastl.reporting.per_class_plot import per_class_table, plot_per_class
from kerastl.reporting.reliability_plot import RELIABILITY_PLOT_FILE, plot_reliability, reliability_report_items
from kerastl.reporting.report_item import ReportItem
from kerastl.reporting.run_summary import summary_line
from kerastl.reporting.training_plot import plot_training

__all__ = [
    "RELIABILITY_PLOT_FILE",
    "REPORT_FILE",
    "ReportItem",
    "confusion_matrix",
    "headline_metrics",
    "main_metric_name",
    "per_class_table",
    "plot_confusion_matrix",
    "plot_per_class",
    "plot_reliability",
    "plot_training",
    "reliability_report_items",
    "render_html_report",
    "summary_line",
    "write_html_report",
]
