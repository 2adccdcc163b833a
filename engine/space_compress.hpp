// Compression of a function over a product of small finite columns into few disjoint rows
// with "any" cells: a reduced decision diagram built while the combinations stream in (no
// table of all combinations is ever kept), its paths read off as rows, and rows of the same
// class merged where they differ in one column only. Knows nothing of policies.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace decree::engine::space {

// A set of a column's values, bit k for value k. A cell with every value of its column is "any".
using Mask = std::uint64_t;
inline constexpr std::size_t kMaxColumnValues = 64;

inline constexpr Mask full_mask(std::uint32_t radix) {
  return radix >= 64 ? ~Mask{0} : (Mask{1} << radix) - 1;
}

// A reduced, ordered, multi-valued decision diagram over columns 0..n-1, fed the class of
// every combination in odometer order (column n-1 varies fastest). A node whose children are
// all the same is never made, and equal nodes are shared, so the diagram holds only what the
// function depends on, and memory grows with its structure, not with the number of
// combinations.
class DiagramBuilder {
 public:
  // `radix[k]` is the number of values of column k, 1..kMaxColumnValues.
  explicit DiagramBuilder(std::vector<std::uint32_t> radix);

  // The class of the next combination. Exactly product(radix) calls make the diagram.
  void push(std::uint32_t cls);
  bool complete() const { return complete_; }

  // Node ids: a leaf stands for a class; any other id is an inner node.
  static constexpr std::uint32_t kLeaf = 0x8000'0000u;
  static bool is_leaf(std::uint32_t id) { return (id & kLeaf) != 0; }
  static std::uint32_t leaf_class(std::uint32_t id) { return id & ~kLeaf; }

  std::uint32_t root() const { return root_; }
  std::uint32_t level(std::uint32_t node) const { return nodes_[node].level; }
  std::span<const std::uint32_t> children(std::uint32_t node) const {
    return {children_.data() + nodes_[node].first, radix_[nodes_[node].level]};
  }
  std::size_t node_count() const { return nodes_.size(); }
  const std::vector<std::uint32_t>& radix() const { return radix_; }

  // The same function with every class c replaced by `map[c]`, reduced again: costs the
  // diagram's size, not the number of combinations.
  DiagramBuilder relabel(std::span<const std::uint32_t> map) const;

 private:
  struct Node {
    std::uint32_t level = 0;
    std::uint32_t first = 0;  // into children_: radix_[level] children
  };
  std::uint32_t reduce(std::uint32_t level);
  std::uint32_t intern(std::uint32_t level, const std::uint32_t* kids);
  void grow();

  std::vector<std::uint32_t> radix_;
  std::vector<std::uint32_t> offset_;   // start of each level's pending children in pending_
  std::vector<std::uint32_t> filled_;   // pending children per level
  std::vector<std::uint32_t> pending_;  // children waiting for their siblings, per level
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> children_;
  std::vector<std::uint32_t> table_;    // open addressing: node id + 1, 0 when empty
  std::uint32_t root_ = kLeaf;
  bool complete_ = false;
};

// One row: a cell per column (a set of its values) and the class every combination in it has.
struct Row {
  std::vector<Mask> cells;
  std::uint32_t cls = 0;
};

struct Rows {
  std::vector<Row> rows;
  bool truncated = false;  // more than `max_rows` paths: `rows` is incomplete
};

// The diagram's paths as rows, edges to the same child joined into one cell. The rows are
// disjoint and together cover every combination, each with its class. Stops after
// `max_rows` rows (then `truncated`).
Rows paths(const DiagramBuilder& diagram, std::size_t max_rows);

// Joins rows of one class that differ in one column only (their union is again a row, and
// disjoint from the others), until no two can be joined. The result is disjoint and covers
// the same combinations; it is not guaranteed to be the fewest rows possible.
void merge(std::vector<Row>& rows);

// How many combinations a row stands for, counting only the columns in `columns`.
std::uint64_t combinations(const Row& row, std::span<const std::uint32_t> columns);

}  // namespace decree::engine::space
