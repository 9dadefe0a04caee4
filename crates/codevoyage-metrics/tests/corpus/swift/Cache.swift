import Foundation

/// A least-recently-used cache with a byte budget.
final class LRUCache<Key: Hashable, Value> {
    private var storage: [Key: (value: Value, size: Int)] = [:]
    private var order: [Key] = []
    private let budget: Int
    private var used = 0

    init(budget: Int) {
        precondition(budget > 0, "budget must be positive")
        self.budget = budget
    }

    func get(_ key: Key) -> Value? {
        guard let entry = storage[key] else {
            return nil
        }
        touch(key)
        return entry.value
    }

    func put(_ key: Key, _ value: Value, size: Int) {
        if size > budget {
            return
        }
        if let old = storage[key] {
            used -= old.size
        }
        storage[key] = (value, size)
        used += size
        touch(key)
        while used > budget && !order.isEmpty {
            let victim = order.removeFirst()
            used -= storage[victim]?.size ?? 0
            storage[victim] = nil
        }
    }

    private func touch(_ key: Key) {
        if let index = order.firstIndex(of: key) {
            order.remove(at: index)
        }
        order.append(key)
    }

    func describe() -> String {
        switch used {
        case 0:
            return "empty"
        case let n where n < budget / 2:
            return "half"
        default:
            return used >= budget ? "full" : "busy"
        }
    }

    func load(from url: URL) throws -> Int {
        var count = 0
        do {
            let data = try Data(contentsOf: url)
            for byte in data where byte != 0 {
                count += 1
            }
        } catch {
            count = -1
        }
        return count
    }
}
