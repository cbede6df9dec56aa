"""A stand-in for the Hugging Face Hub on 127.0.0.1: the part of its HTTP API that `huggingface_hub`
uses to create a repository and commit a folder to it, recording what it receives.

Every file is asked for as a "regular" upload (inline in the commit, base64), so no LFS or Xet
storage is involved. Point `HF_ENDPOINT` at `HubStandIn.url` before `huggingface_hub` is imported
(its constants read the variable once).
"""

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml


class HubStandIn:
    """A running stand-in: `url`, and what it received: `repositories` (name -> the create request),
    `validated_cards` (each README.md whose YAML front matter it was asked to check),
    `commits` (one dict per commit: repository, summary, `files` path -> bytes), `tokens` (the
    bearer tokens sent) and `requests` (method and path of each)."""

    def __init__(self, refuse_commits=False):
        self.repositories, self.commits, self.tokens, self.requests = {}, [], [], []
        self.validated_cards = []
        self.refuse_commits = refuse_commits
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stand_in.requests.append(("POST", self.path))
                stand_in.tokens.append(self.headers.get("Authorization"))
                path = self.path.split("?")[0]
                if path == "/api/validate-yaml":  # the card's front matter, which the hub parses
                    content = json.loads(body)["content"]
                    stand_in.validated_cards.append(content)
                    try:
                        front_matter = content.split("---\n")[1] if content.startswith("---\n") else ""
                        yaml.safe_load(front_matter)
                    except yaml.YAMLError as error:
                        return self._answer(400, {"errors": [{"message": str(error)}]})
                    return self._answer(200, {"errors": [], "warnings": []})
                if path == "/api/repos/create":
                    request = json.loads(body)
                    name = "/".join(filter(None, (request.get("organization"), request["name"])))
                    stand_in.repositories[name] = request
                    return self._answer(200, {"url": f"{stand_in.url}/{name}", "name": name})
                preupload = re.fullmatch(r"/api/models/(.+)/preupload/([^/]+)", path)
                if preupload:
                    files = json.loads(body)["files"]
                    return self._answer(200, {"files": [{"path": f["path"], "uploadMode": "regular",
                                                         "shouldIgnore": False, "oid": None} for f in files]})
                commit = re.fullmatch(r"/api/models/(.+)/commit/([^/]+)", path)
                if commit:
                    if stand_in.refuse_commits:
                        return self._answer(403, {"error": "You don't have the rights to write to this repository"})
                    lines = [json.loads(line) for line in body.decode("utf-8").splitlines() if line.strip()]
                    header = next(line["value"] for line in lines if line["key"] == "header")
                    files = {line["value"]["path"]: base64.b64decode(line["value"]["content"])
                             for line in lines if line["key"] == "file"}
                    stand_in.commits.append({"repository": commit.group(1), "summary": header.get("summary"),
                                             "files": files})
                    oid = f"{len(stand_in.commits):040x}"
                    return self._answer(200, {"commitUrl": f"{stand_in.url}/{commit.group(1)}/commit/{oid}",
                                              "commitOid": oid, "pullRequestUrl": None})
                return self._answer(404, {"error": f"the stand-in does not serve POST {path}"})

            def do_GET(self):
                stand_in.requests.append(("GET", self.path))
                return self._answer(404, {"error": f"the stand-in does not serve GET {self.path}"})

            def _answer(self, status, content):
                data = json.dumps(content).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
