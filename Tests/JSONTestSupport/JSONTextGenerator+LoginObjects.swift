extension JSONTextGenerator {
    /// A login-shaped object: the rules' fields, mostly with values of the right kind (strings with every
    /// escape and raw UTF-8), extra members, the order shuffled, a key sometimes escaped or repeated.
    public mutating func loginObject() -> [UInt8] {
        func quoted(_ text: String) -> [UInt8] { [0x22] + Array(text.utf8) + [0x22] }
        var members: [(key: [UInt8], value: [UInt8])] = []
        let userID = quoted(random.chance(10) ? #"user\u005fid"# : "user_id")
        members.append((userID, random.chance(90) ? string() : value(depth: 1)))
        let seconds = String(random.below(2_000_000_000))
        members.append((quoted("timestamp"), random.pick([Array(seconds.utf8), quoted(seconds), value(depth: 1)])))
        for field in ["app_version", "device_type", "locale", "ip", "device_id"] where random.chance(80) {
            let member = random.chance(85) ? string() : random.pick([Array("null".utf8), value(depth: 1)])
            members.append((quoted(field), member))
        }
        for _ in 0..<random.below(3) { members.append((key(), value(depth: 1))) }
        members.shuffle(using: &random)
        if random.chance(10), let repeated = members.first { members.append((repeated.key, string())) }
        return object(members)
    }
}
