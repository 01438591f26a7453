import Foundation
import TandemCore
import Testing

@Suite struct TimestampTests {
    @Test func writesWhatISO8601DateFormatterWrites() {
        let formatter = ISO8601DateFormatter()
        // Epoch, a leap day, a fraction of a second (dropped, not rounded up), year 2038 and beyond, the current time.
        for seconds in [0, 951_782_400, 1_796_620_905.999, 2_147_483_648, 4_102_444_799, Date().timeIntervalSince1970] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(date.rfc3339 == formatter.string(from: date), "at \(seconds)")
        }
        #expect(Date(timeIntervalSince1970: 1_796_620_905.999).rfc3339 == "2026-12-07T05:21:45Z")
    }
}
