"""corpus_server: serves the real-homepage corpus on loopback for content_corpus.sh.

GET / on host H answers the file H.html of the corpus folder (text/html, no charset: the page's
own meta tag declares it); every other path is a 404. Prints the port, then serves until killed.
"""
import http.server
import os
import sys

CORPUS = sys.argv[1]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        path = os.path.join(CORPUS, host + ".html")
        if self.path in ("/", "/index.html") and os.path.isfile(path):
            with open(path, "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
        else:
            body = b"<html><body>404</body></html>"
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self):
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
