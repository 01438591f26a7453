import AWSClient

/// Walks a listing one page at a time.
struct ListingCursor: Sendable {
    let client: S3Client
    let bucket: String
    let prefix: String?
    let pageSize: Int
    private var page: [ListedObject] = []
    private var index = 0
    private var token: String?
    private var exhausted = false

    init(client: S3Client, bucket: String, prefix: String?, pageSize: Int) {
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.pageSize = pageSize
    }

    /// The next object without consuming it.
    mutating func peek() async throws -> ListedObject? {
        while index >= page.count {
            guard !exhausted else { return nil }
            let next = try await client.listObjectsPage(bucket: bucket, prefix: prefix, continuationToken: token, maxKeys: pageSize)
            if let following = next.nextContinuationToken, following == token {
                throw S3ListingError(bucket: bucket, problem: "the server gave the same continuation token twice")
            }
            (page, index, token) = (next.objects, 0, next.nextContinuationToken)
            exhausted = token == nil
        }
        return page[index]
    }

    /// The next object.
    mutating func next() async throws -> ListedObject? {
        let object = try await peek()
        if object != nil { index += 1 }
        return object
    }
}

/// A listing the server answered in a way that cannot be followed to its end.
struct S3ListingError: Error, CustomStringConvertible {
    let bucket: String
    let problem: String
    var description: String { "listing \(bucket): \(problem)" }
}
