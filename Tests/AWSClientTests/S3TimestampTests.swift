@testable import AWSClient
import Foundation
import Testing

/// Listing times parsed without Foundation's formatters (which load ICU: tens of MiB in a copy process).
@Suite struct S3TimestampTests {
    @Test func parsesListingTimesToTheSameInstantsAsACalendarWould() {
        #expect(S3Timestamp.parse("1970-01-01T00:00:00.000Z")?.timeIntervalSince1970 == 0)
        #expect(S3Timestamp.parse("2026-12-06T21:00:00.500Z")?.timeIntervalSince1970 == 1_796_590_800.5)
        #expect(S3Timestamp.parse("2000-02-29T12:34:56Z")?.timeIntervalSince1970 == 951_827_696)
        #expect(S3Timestamp.parse("1999-12-31T23:59:59.000Z")?.timeIntervalSince1970 == 946_684_799)
        #expect(S3Timestamp.parse("2026-12-06T21:00:00.123456789Z")?.timeIntervalSince1970 == 1_796_590_800.123456789)
    }

    @Test func refusesWhatIsNotAUTCTimestamp() {
        for text in ["", "2026-12-06", "2026-12-06T21:00:00", "2026-12-06T21:00:00+01:00", "2026-13-06T21:00:00Z", "2026-12-06T21:00:00.Z",
                     "2026/12/06T21:00:00Z", "20x6-12-06T21:00:00Z",
                     "2026-12-06T21:00:00." + String(repeating: "9", count: 40) + "Z"] {
            #expect(S3Timestamp.parse(text) == nil, "\(text)")
        }
    }
}
