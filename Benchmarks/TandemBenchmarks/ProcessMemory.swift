import Foundation

/// This process's resident memory, from `/proc/self/status` (Linux).
enum ProcessMemory {
    /// The resident set size now (`VmRSS`), in bytes.
    static var resident: Int { field("VmRSS") }

    /// The highest resident set size so far (`VmHWM`, the high-water mark), in bytes.
    static var peakResident: Int { field("VmHWM") }

    /// A `NAME:   1234 kB` line of `/proc/self/status`, in bytes; 0 when absent.
    private static func field(_ name: String) -> Int {
        // Read through a handle: procfs files report a size of 0, which whole-file readers trust.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/status"), let data = try? handle.readToEnd() else { return 0 }
        try? handle.close()
        let status = String(decoding: data, as: UTF8.self)
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let kilobytes = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) } ?? 0
            return kilobytes * 1024
        }
        return 0
    }
}
