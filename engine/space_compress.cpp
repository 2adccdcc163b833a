#include "engine/space_compress.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace decree::engine::space {

namespace {

inline std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9E37'79B9'7F4A'7C15ull + (h << 6) + (h >> 2);
  return h;
}

inline std::uint64_t hash_node(std::uint32_t level, const std::uint32_t* kids, std::uint32_t n) {
  std::uint64_t h = 0xCBF2'9CE4'8422'2325ull ^ level;
  for (std::uint32_t i = 0; i < n; ++i) h = mix(h, kids[i]);
  h ^= h >> 33;
  h *= 0xFF51'AFD7'ED55'8CCDull;
  h ^= h >> 33;
  return h;
}

}  // namespace

DiagramBuilder::DiagramBuilder(std::vector<std::uint32_t> radix) : radix_(std::move(radix)) {
  std::uint32_t at = 0;
  for (std::uint32_t r : radix_) {
    if (r == 0 || r > kMaxColumnValues) throw std::invalid_argument("a column has no values or too many");
    offset_.push_back(at);
    at += r;
  }
  filled_.assign(radix_.size(), 0);
  pending_.assign(at, 0);
  table_.assign(1024, 0);
}

void DiagramBuilder::grow() {
  std::vector<std::uint32_t> bigger(table_.size() * 2, 0);
  const std::size_t mask = bigger.size() - 1;
  for (std::uint32_t slot : table_) {
    if (slot == 0) continue;
    const Node& n = nodes_[slot - 1];
    std::size_t i = hash_node(n.level, children_.data() + n.first, radix_[n.level]) & mask;
    while (bigger[i] != 0) i = (i + 1) & mask;
    bigger[i] = slot;
  }
  table_ = std::move(bigger);
}

std::uint32_t DiagramBuilder::intern(std::uint32_t level, const std::uint32_t* kids) {
  const std::uint32_t n = radix_[level];
  if ((nodes_.size() + 1) * 2 > table_.size()) grow();
  const std::size_t mask = table_.size() - 1;
  std::size_t i = hash_node(level, kids, n) & mask;
  while (table_[i] != 0) {
    const Node& node = nodes_[table_[i] - 1];
    if (node.level == level && std::equal(kids, kids + n, children_.data() + node.first)) return table_[i] - 1;
    i = (i + 1) & mask;
  }
  if (nodes_.size() >= kLeaf - 1) throw std::length_error("the decision diagram outgrew its node ids");
  Node node{level, static_cast<std::uint32_t>(children_.size())};
  children_.insert(children_.end(), kids, kids + n);
  nodes_.push_back(node);
  table_[i] = static_cast<std::uint32_t>(nodes_.size());
  return static_cast<std::uint32_t>(nodes_.size() - 1);
}

std::uint32_t DiagramBuilder::reduce(std::uint32_t level) {
  const std::uint32_t* kids = pending_.data() + offset_[level];
  const std::uint32_t n = radix_[level];
  bool same = true;
  for (std::uint32_t i = 1; i < n && same; ++i) same = kids[i] == kids[0];
  return same ? kids[0] : intern(level, kids);
}

void DiagramBuilder::push(std::uint32_t cls) {
  std::uint32_t id = cls | kLeaf;
  if (radix_.empty()) {
    root_ = id;
    complete_ = true;
    return;
  }
  std::size_t k = radix_.size() - 1;
  for (;;) {
    pending_[offset_[k] + filled_[k]] = id;
    if (++filled_[k] < radix_[k]) return;
    id = reduce(static_cast<std::uint32_t>(k));
    filled_[k] = 0;
    if (k == 0) {
      root_ = id;
      complete_ = true;
      return;
    }
    --k;
  }
}

DiagramBuilder DiagramBuilder::relabel(std::span<const std::uint32_t> map) const {
  DiagramBuilder out(radix_);
  out.complete_ = complete_;
  // Children are made before their parents, so one pass in order of making suffices.
  std::vector<std::uint32_t> image(nodes_.size());
  auto mapped = [&](std::uint32_t id) { return is_leaf(id) ? (map[leaf_class(id)] | kLeaf) : image[id]; };
  std::vector<std::uint32_t> kids;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    kids.clear();
    bool same = true;
    for (std::uint32_t k = 0; k < radix_[n.level]; ++k) {
      kids.push_back(mapped(children_[n.first + k]));
      same = same && kids[k] == kids[0];
    }
    image[i] = same ? kids[0] : out.intern(n.level, kids.data());
  }
  out.root_ = mapped(root_);
  return out;
}

// ---- rows -----------------------------------------------------------------------------------

namespace {

struct PathWalker {
  const DiagramBuilder& d;
  std::size_t max_rows;
  Rows out;
  std::vector<Mask> cells;

  // Cells for levels [level, next) are "any": the diagram skipped them.
  void any_between(std::size_t level, std::size_t next) {
    for (std::size_t k = level; k < next; ++k) cells[k] = full_mask(d.radix()[k]);
  }

  void walk(std::uint32_t id, std::size_t level) {
    if (out.truncated) return;
    const std::size_t n = d.radix().size();
    const std::size_t next = DiagramBuilder::is_leaf(id) ? n : d.level(id);
    any_between(level, next);
    if (DiagramBuilder::is_leaf(id)) {
      if (out.rows.size() >= max_rows) {
        out.truncated = true;
        return;
      }
      out.rows.push_back({cells, DiagramBuilder::leaf_class(id)});
      return;
    }
    // Values leading to the same child share one cell; children in order of first value.
    const auto kids = d.children(id);
    Mask done = 0;
    for (std::size_t v = 0; v < kids.size(); ++v) {
      if (done & (Mask{1} << v)) continue;
      Mask cell = 0;
      for (std::size_t w = v; w < kids.size(); ++w)
        if (kids[w] == kids[v]) cell |= Mask{1} << w;
      done |= cell;
      cells[next] = cell;
      walk(kids[v], next + 1);
    }
  }
};

}  // namespace

Rows paths(const DiagramBuilder& diagram, std::size_t max_rows) {
  PathWalker w{diagram, max_rows, {}, std::vector<Mask>(diagram.radix().size(), 0)};
  if (diagram.complete()) w.walk(diagram.root(), 0);
  return std::move(w.out);
}

void merge(std::vector<Row>& rows) {
  if (rows.empty()) return;
  const std::size_t n = rows.front().cells.size();
  // Rows alike but for column `col` are disjoint there: their union is one row. An open-
  // addressing table of row indices, keyed by the class and every cell but `col`.
  auto hash_without = [&](const Row& r, std::size_t col) {
    std::uint64_t h = 0x8422'2325ull ^ r.cls;
    for (std::size_t k = 0; k < n; ++k)
      if (k != col) h = mix(h, r.cells[k]);
    h ^= h >> 31;
    return h * 0x9E37'79B9'7F4A'7C15ull;
  };
  auto alike = [&](const Row& a, const Row& b, std::size_t col) {
    if (a.cls != b.cls) return false;
    for (std::size_t k = 0; k < n; ++k)
      if (k != col && a.cells[k] != b.cells[k]) return false;
    return true;
  };
  std::vector<std::uint32_t> table;
  std::vector<bool> gone;
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t col = 0; col < n; ++col) {
      std::size_t size = 16;
      while (size < rows.size() * 2) size *= 2;
      table.assign(size, 0);
      gone.assign(rows.size(), false);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        std::size_t at = hash_without(rows[i], col) & (size - 1);
        for (;; at = (at + 1) & (size - 1)) {
          if (table[at] == 0) {
            table[at] = static_cast<std::uint32_t>(i + 1);
            break;
          }
          Row& first = rows[table[at] - 1];
          if (alike(first, rows[i], col)) {
            first.cells[col] |= rows[i].cells[col];
            gone[i] = true;
            changed = true;
            break;
          }
        }
      }
      std::size_t w = 0;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        if (gone[i]) continue;
        if (w != i) rows[w] = std::move(rows[i]);
        ++w;
      }
      rows.resize(w);
    }
  }
}

std::uint64_t combinations(const Row& row, std::span<const std::uint32_t> columns) {
  std::uint64_t c = 1;
  for (std::uint32_t k : columns) c *= static_cast<std::uint64_t>(std::popcount(row.cells[k]));
  return c;
}

}  // namespace decree::engine::space
