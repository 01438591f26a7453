import AWSClient
import Testing

/// A printed or dumped access key never shows its secret.
struct IAMAccessKeyRedactionTests {
    @Test func secretIsMaskedWhenPrinted() {
        let key = IAMAccessKey(accessKeyID: "AKIAEXAMPLE", userName: "u", status: "Active", secretAccessKey: "wJalrXUtnFEMI/K7MDENG")
        var dumped = ""
        dump(key, to: &dumped)
        for text in ["\(key)", String(reflecting: key), dumped] {
            #expect(!text.contains("wJalrXUtnFEMI"))
            #expect(text.contains("AKIAEXAMPLE"))
        }
    }
}
