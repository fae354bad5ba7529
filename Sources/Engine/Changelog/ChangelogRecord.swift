import Primitives

/// One record of the changelog topic. Changelog partition p holds the records of source partition p
/// (of every source topic: each record names its own). Every record belongs to a line: the history of
/// the partition written by one owner from the moment it claimed the partition, identified by a
/// random token and ordered by its epoch.
///
/// - A claim starts a line: it says what the line continues (``Base``).
/// - Change sets carry what one transaction changed in the partition's rows, numbered 1, 2, ... in
///   their line, with the source offset the partition resumes at after them.
/// - A snapshot holds every row of the partition as of change set `seq` of its line.
///
/// Change sets and snapshots larger than a Kafka record are split into chunks; only a set whose every
/// chunk is in the log counts.
public struct ChangelogRecord: Sendable, Equatable {
    /// What a line's state starts from.
    public enum Base: Sendable, Equatable {
        /// No state: the partition was never written to the changelog, and its owner held none of it.
        case empty
        /// The line's own snapshot number 0, written with the claim: the owner held rows of the
        /// partition that the changelog did not have yet.
        case snapshot
        /// The state of `line` after its change set `seq`: what the owner restored.
        case parent(line: Int64, seq: Int64)
    }

    /// Where one chunk of a change set or snapshot belongs.
    public struct Chunk: Sendable, Equatable {
        public var seq: Int64
        /// 0, 1, ... in the set.
        public var index: Int
        public var isLast: Bool
        /// Where the source partition resumes once the set is applied; `nil` while nothing of it was ever
        /// consumed (the group's committed offset, then `auto.offset.reset`, decide).
        public var nextSourceOffset: Int64?

        public init(seq: Int64, index: Int = 0, isLast: Bool = true, nextSourceOffset: Int64?) {
            self.seq = seq
            self.index = index
            self.isLast = isLast
            self.nextSourceOffset = nextSourceOffset
        }
    }

    public enum Body: Sendable, Equatable {
        case claim(Base)
        case changes(Chunk)
        case snapshot(Chunk)
    }

    public var sourceTopic: String
    public var line: Int64
    public var epoch: Int64
    /// Unix seconds when it was written.
    public var time: Int64
    public var body: Body
    /// The chunk's part of an encoded ``ChangeSet``; empty for a claim.
    public var payload: [UInt8]

    public init(sourceTopic: String, line: Int64, epoch: Int64, time: Int64 = 0, body: Body, payload: [UInt8] = []) {
        self.sourceTopic = sourceTopic
        self.line = line
        self.epoch = epoch
        self.time = time
        self.body = body
        self.payload = payload
    }
}

extension ChangelogRecord {
    private static let format: UInt8 = 1

    /// The record's value: a format byte, the header, then the payload as it is.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 48 + sourceTopic.utf8.count + payload.count)
        writer.append(byte: Self.format)
        writer.append(lengthPrefixed: sourceTopic)
        writer.append(fixed: UInt64(bitPattern: line))
        writer.append(signed: epoch)
        writer.append(signed: time)
        switch body {
        case .claim(.empty):
            writer.append(byte: 1)
        case .claim(.snapshot):
            writer.append(byte: 2)
        case .claim(.parent(let parent, let seq)):
            writer.append(byte: 3)
            writer.append(fixed: UInt64(bitPattern: parent))
            writer.append(signed: seq)
        case .changes(let chunk):
            writer.append(byte: 4)
            Self.append(chunk, to: &writer)
        case .snapshot(let chunk):
            writer.append(byte: 5)
            Self.append(chunk, to: &writer)
        }
        writer.append(raw: payload)
        return writer.bytes
    }

    /// Reads a record's value.
    /// - Parameter withPayload: `false` skips the payload (a scan that only plans a restore).
    /// - Throws: ``ChangelogError`` when the bytes are not a changelog record of this format.
    public init(decoding bytes: [UInt8], withPayload: Bool = true) throws {
        var reader = ByteReader(bytes)
        do {
            let format = try reader.byte()
            guard format == Self.format else {
                throw ChangelogError("a changelog record has format \(format), which this version of Eddy does not read")
            }
            sourceTopic = try reader.string()
            line = Int64(bitPattern: try reader.fixed())
            epoch = try reader.signed()
            time = try reader.signed()
            switch try reader.byte() {
            case 1: body = .claim(.empty)
            case 2: body = .claim(.snapshot)
            case 3: body = .claim(.parent(line: Int64(bitPattern: try reader.fixed()), seq: try reader.signed()))
            case 4: body = .changes(try Self.chunk(&reader))
            case 5: body = .snapshot(try Self.chunk(&reader))
            case let kind: throw ChangelogError("a changelog record has kind \(kind), which this version of Eddy does not read")
            }
            payload = withPayload ? Array(reader.rest()) : []
        } catch let error as TruncatedBytes {
            throw ChangelogError("a changelog record is cut short: \(error)")
        }
    }

    private static func append(_ chunk: Chunk, to writer: inout ByteWriter) {
        writer.append(signed: chunk.seq)
        writer.append(varint: UInt64(chunk.index))
        writer.append(byte: chunk.isLast ? 1 : 0)
        writer.append(signed: chunk.nextSourceOffset ?? -1)
    }

    private static func chunk(_ reader: inout ByteReader) throws -> Chunk {
        let seq = try reader.signed()
        let index = try reader.varint()
        let isLast = try reader.byte() == 1
        let next = try reader.signed()
        guard index < 1 << 31 else { throw ChangelogError("a changelog record has chunk number \(index)") }
        return Chunk(seq: seq, index: Int(index), isLast: isLast, nextSourceOffset: next < 0 ? nil : next)
    }
}
