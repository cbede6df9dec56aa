"""ONNX export: the network as `model.onnx`, its tokenizer as `tokenizer.json`, and a small runtime
(`kerastl_onnx.py`) that serves raw text with onnxruntime, numpy and `tokenizers` only."""

from kerastl.export.onnx.onnx_export import ONNX_DESCRIPTION_FILE, export_onnx

__all__ = ["ONNX_DESCRIPTION_FILE", "export_onnx"]
