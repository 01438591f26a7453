import ChildProcess
import Foundation

/// An HTTP proxy (a Python process) that forwards every request to `upstream` without the headers it drops: the part
/// of an S3-compatible server that ignores conditional writes, played in front of moto (which does not check
/// signatures, so the dropped headers do not break them).
struct HeaderDroppingProxy {
    let endpoint: String
    private let processID: Int32
    private let directory: String

    static func start(upstream: String, dropping: [String]) async throws -> HeaderDroppingProxy {
        let script = """
        import http.server, socketserver, sys, urllib.request
        UPSTREAM, DROP = sys.argv[1], set(sys.argv[2].split(","))
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def forward(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in DROP and k.lower() != "host"}
                request = urllib.request.Request(UPSTREAM + self.path, data=body, headers=headers, method=self.command)
                try:
                    response = urllib.request.urlopen(request)
                except urllib.error.HTTPError as error:
                    response = error
                data = response.read()
                self.send_response(response.status if hasattr(response, "status") else response.code)
                for k, v in response.headers.items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(k, v)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward
            def log_message(self, *args): pass
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-proxy-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let log = directory + "/proxy.log"
        let processID = try await ChildProcess.startDetached(["/usr/bin/python3", "-c", script, upstream, dropping.joined(separator: ",")],
                                                             environment: ["PATH": "/usr/bin:/bin"], log: log)
        for _ in 0..<100 {
            if let text = try? String(contentsOfFile: log, encoding: .utf8), let port = Int(text.split(separator: "\n").first ?? "") {
                return HeaderDroppingProxy(endpoint: "http://127.0.0.1:\(port)", processID: processID, directory: directory)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        await ChildProcess.stop(processID, commandLineContains: "python3", grace: .seconds(2))
        throw ProxyError("the proxy did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "no output")")
    }

    func stop() async {
        await ChildProcess.stop(processID, commandLineContains: "python3", grace: .seconds(2))
        try? FileManager.default.removeItem(atPath: directory)
    }

    struct ProxyError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
