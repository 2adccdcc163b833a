// The canonical formatter: prints a policy's AST in one layout, putting each comment back
// before the line it preceded or at the end of the line it followed, and breaking a line where a
// comment was written between two of its tokens.
#include "dsl/format.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <vector>

#include <fmt/format.h>

namespace decree::dsl {

namespace {

using ast::Expr;

constexpr std::uint32_t kNoAnchor = std::numeric_limits<std::uint32_t>::max();

// One printed line of code: its text and the source offset of the first node it prints, which
// is how comments find their way back.
struct Line {
  std::size_t indent = 0;
  std::string text;
  std::uint32_t anchor = kNoAnchor;
  std::vector<const ast::Comment*> before;  // full-line comments printed above it
  const ast::Comment* trailing = nullptr;    // a comment printed at its end
};

// A top-level item (or the header) as printed lines, with its extent in the source.
struct Block {
  std::vector<Line> lines;
  std::uint32_t start = 0;  // source offset of its first token
  std::uint32_t end = 0;    // source offset one past its last character
  bool roomy = false;         // a rule, or a definition or decision over several lines: blank lines around it
};

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string spaces(std::size_t n) { return std::string(n, ' '); }

std::size_t width(std::string_view s) { return utf8_length(s); }

// ---- conditions -------------------------------------------------------------------------

// Binding strength: `or` binds loosest, then `and`, then `not`, then the tests.
int strength(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::Or: return 1;
    case Expr::Kind::And: return 2;
    case Expr::Kind::Not: return 3;
    default: return 4;
  }
}

std::string literal_text(const ast::Literal& l) {
  switch (l.kind) {
    case ast::Literal::Kind::Bool: return l.boolean ? "true" : "false";
    case ast::Literal::Kind::Int: return fmt::format("{}", l.integer);
    case ast::Literal::Kind::Date: return ast::to_string(l.date);
    case ast::Literal::Kind::Text: return quote(l.text);
  }
  return "?";
}

// Whether `child`, as an operand of an expression that needs at least strength `min`, needs
// parentheses that the author did not write (an AST built by a program, not parsed).
bool needs_parens(const Expr& child, int min) { return !child.parenthesized && strength(child) < min; }

std::string flat(const Expr& e);

std::string operand_text(const Expr& child, int min) {
  std::string s = flat(child);
  return needs_parens(child, min) ? "(" + s + ")" : s;
}

// The expression on one line, without breaks.
std::string flat_core(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::Literal: return literal_text(e.literal);
    case Expr::Kind::Name: return e.name.text;
    case Expr::Kind::Not: return e.operands.empty() ? "not" : "not " + operand_text(e.operands[0], 3);
    case Expr::Kind::And:
    case Expr::Kind::Or: {
      const bool is_and = e.kind == Expr::Kind::And;
      std::string out;
      for (std::size_t i = 0; i < e.operands.size(); ++i) {
        if (i > 0) out += is_and ? " and " : " or ";
        out += operand_text(e.operands[i], is_and ? 3 : 2);
      }
      return out;
    }
    case Expr::Kind::Compare:
      if (e.operands.size() != 2) return "?";
      return fmt::format("{} {} {}", flat(e.operands[0]), ast::to_string(e.op), flat(e.operands[1]));
    case Expr::Kind::IsKnown: return e.name.text + " is known";
    case Expr::Kind::IsUnknown: return e.name.text + " is unknown";
    case Expr::Kind::Is: return e.name.text + " is " + e.value.text;
    case Expr::Kind::IsNot: return e.name.text + " is not " + e.value.text;
    case Expr::Kind::Has: return e.name.text + " has " + e.value.text;
    case Expr::Kind::IsEmpty: return e.name.text + " is empty";
    case Expr::Kind::IsNotEmpty: return e.name.text + " is not empty";
  }
  return "?";
}

std::string flat(const Expr& e) {
  std::string core = flat_core(e);
  return e.parenthesized ? "(" + core + ")" : core;
}

// The offset of an expression's first token (a parenthesized group's loc is its inside).
std::uint32_t first_offset(const Expr& e) {
  if ((e.kind == Expr::Kind::And || e.kind == Expr::Kind::Or || e.kind == Expr::Kind::Compare) && !e.operands.empty())
    return std::min(e.loc.offset, first_offset(e.operands[0]));
  return e.loc.offset;
}

// The source offset just past a name.
std::uint32_t end_of(const ast::Name& n) { return n.loc.offset + static_cast<std::uint32_t>(n.text.size()); }

// The source as written, read for where its tokens and its comments are: a comment written
// between two tokens must come out between the same two tokens.
class Written {
 public:
  Written(std::string_view source, const std::vector<ast::Comment>& comments) : source_(source), comments_(comments) {}

  // Whether a comment starts strictly between the source offsets `from` and `to`.
  bool comment_between(std::uint32_t from, std::uint32_t to) const {
    return std::any_of(comments_.begin(), comments_.end(),
                       [&](const ast::Comment& c) { return c.loc.offset > from && c.loc.offset < to; });
  }

  // Where the next token after `from` begins (blanks and comments skipped); kNoAnchor at the end.
  std::uint32_t token_after(std::uint32_t from) const {
    std::size_t i = from;
    while (i < source_.size()) {
      const char c = source_[i];
      if (c == '#') {
        const std::size_t nl = source_.find('\n', i);
        if (nl == std::string_view::npos) return kNoAnchor;
        i = nl + 1;
      } else if (blank(c)) {
        ++i;
      } else {
        return static_cast<std::uint32_t>(i);
      }
    }
    return kNoAnchor;
  }

  // Where the string that is the next token after `from` begins: a description. kNoAnchor when
  // the next token is not a string.
  std::uint32_t string_after(std::uint32_t from) const {
    const std::uint32_t at = token_after(from);
    return at != kNoAnchor && source_[at] == '"' ? at : kNoAnchor;
  }

  // Where the word, date, number, operator or `..` that ends just before `at` (blanks and
  // comments skipped) begins: a keyword before the name it introduces. kNoAnchor when there is
  // none, or when it is a string or a closing bracket. An opening parenthesis is a token of its own.
  std::uint32_t token_before(std::uint32_t at) const {
    std::size_t p = std::min<std::size_t>(at, source_.size());
    for (;;) {
      while (p > 0 && blank(source_[p - 1])) --p;
      auto in = std::find_if(comments_.begin(), comments_.end(), [&](const ast::Comment& c) {
        return p > 0 && c.loc.offset <= p - 1 && p - 1 < c.loc.offset + c.text.size();
      });
      if (in == comments_.end()) break;
      p = in->loc.offset;
    }
    if (p == 0) return kNoAnchor;
    if (source_[p - 1] == '(') return static_cast<std::uint32_t>(p - 1);
    const int kind = kind_of(source_[p - 1]);
    if (kind == 0) return kNoAnchor;
    while (p > 0 && kind_of(source_[p - 1]) == kind) --p;
    return static_cast<std::uint32_t>(p);
  }

  char at(std::uint32_t offset) const { return offset < source_.size() ? source_[offset] : '\0'; }

 private:
  static bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
  // 1: names, keywords, dates, numbers; 2: comparison operators; 3: `..`; 0: anything else.
  static int kind_of(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') return 1;
    if (c == '=' || c == '!' || c == '<' || c == '>') return 2;
    if (c == '.') return 3;
    return 0;
  }

  std::string_view source_;
  const std::vector<ast::Comment>& comments_;
};

// One token of a printed line and where it was written.
struct Piece {
  std::string text;
  std::uint32_t at = kNoAnchor;
};

// Continuation lines of a condition are indented two spaces deeper per level of nesting, up to
// this column, so that a very deep condition does not grow by its indentation.
constexpr std::size_t kMaxConditionIndent = 24;
// A chain of more operands than this, broken, puts as many on a line as fit (one per line
// otherwise), so that a very long condition stays about the size it was written.
constexpr std::size_t kOperandsOnePerLine = 16;

class Printer {
 public:
  explicit Printer(const Written& written) : written_(written) {}

  // `pieces` on a line that begins with `prefix` (at `indent`, anchored at `anchor`), a space
  // between each two; where a comment was written between two pieces, the next one starts a line
  // of its own at `cont` spaces, anchored where it was written, so that the comment stays between
  // them (at the end of the line before, or on a line of its own above the piece).
  void line_of(std::vector<Line>& lines, std::size_t indent, const std::string& prefix, const std::vector<Piece>& pieces,
               std::size_t cont, std::uint32_t anchor) const {
    lines.push_back({indent, prefix, anchor, {}, nullptr});
    std::uint32_t last = anchor;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      const Piece& piece = pieces[i];
      const bool known = piece.at != kNoAnchor && last != kNoAnchor && piece.at > last;
      if (i > 0 && known && written_.comment_between(last, piece.at)) {
        lines.push_back({cont, piece.text, piece.at, {}, nullptr});
      } else {
        Line& line = lines.back();
        if (!line.text.empty() && line.text.back() != ' ' && line.text.back() != '(') line.text += ' ';
        line.text += piece.text;
      }
      if (piece.at != kNoAnchor) last = piece.at;
    }
  }

  // The tokens of a condition that is not an `and`/`or` chain (a test, `not` and its operand),
  // each with where it was written; printed one space apart they are flat(e).
  std::vector<Piece> pieces_of(const Expr& e) const {
    std::vector<Piece> out;
    auto word_after = [&](const std::string& text, std::uint32_t from) {
      const std::uint32_t at = from == kNoAnchor ? kNoAnchor : written_.token_after(from);
      out.push_back({text, at});
      return at == kNoAnchor ? kNoAnchor : at + static_cast<std::uint32_t>(text.size());
    };
    switch (e.kind) {
      case Expr::Kind::Not:
        out.push_back({"not", e.loc.offset});
        if (!e.operands.empty()) {
          const Expr& child = e.operands[0];
          if (is_chain(child) || needs_parens(child, 3)) {
            out.push_back({operand_text(child, 3), first_offset(child)});
          } else {
            for (auto& p : pieces_of(child)) out.push_back(std::move(p));
          }
        }
        break;
      case Expr::Kind::Compare:
        if (e.operands.size() != 2) return {{flat_core(e), e.loc.offset}};
        out = pieces_of(e.operands[0]);
        out.push_back({ast::to_string(e.op), written_.token_before(first_offset(e.operands[1]))});
        for (auto& p : pieces_of(e.operands[1])) out.push_back(std::move(p));
        break;
      case Expr::Kind::IsKnown:
      case Expr::Kind::IsUnknown:
      case Expr::Kind::Is:
      case Expr::Kind::IsNot:
      case Expr::Kind::IsEmpty:
      case Expr::Kind::IsNotEmpty:
      case Expr::Kind::Has: {
        out.push_back({e.name.text, e.name.loc.offset});
        std::uint32_t end = word_after(e.kind == Expr::Kind::Has ? "has" : "is", end_of(e.name));
        if (e.kind == Expr::Kind::IsNot || e.kind == Expr::Kind::IsNotEmpty) end = word_after("not", end);
        if (e.kind == Expr::Kind::IsKnown) word_after("known", end);
        else if (e.kind == Expr::Kind::IsUnknown) word_after("unknown", end);
        else if (e.kind == Expr::Kind::IsEmpty || e.kind == Expr::Kind::IsNotEmpty) word_after("empty", end);
        else out.push_back({e.value.text, e.value.loc.offset});
        break;
      }
      default: out.push_back({flat_core(e), e.loc.offset});
    }
    if (e.parenthesized) {
      out.front().text = "(" + out.front().text;
      out.back().text += ")";
    }
    return out;
  }

  // Where the last token of `e` was written.
  std::uint32_t last_at(const Expr& e) const {
    if ((is_chain(e) || e.kind == Expr::Kind::Not) && !e.operands.empty()) return last_at(e.operands.back());
    return pieces_of(e).back().at;
  }

  // Whether a comment was written inside `e`, between its first token and its last.
  bool comment_inside(const Expr& e) const {
    const std::uint32_t last = last_at(e);
    return last != kNoAnchor && written_.comment_between(first_offset(e), last);
  }

  // Where the condition `e` begins, its opening parentheses included.
  std::uint32_t expr_start(const Expr& e) const {
    std::uint32_t at = first_offset(e);
    for (std::uint32_t p = written_.token_before(at); p != kNoAnchor && written_.at(p) == '('; p = written_.token_before(p))
      at = p;
    return at;
  }

  // Whether `e` is an `and`/`or` chain with a comment inside it: such a condition is broken at
  // every operator, so that the comment keeps a line of its own to sit on (or, within a test,
  // the test is broken where the comment is).
  bool comment_within(const Expr& e) const { return is_chain(e) && comment_inside(e); }

  // Prints `e` starting on a line that begins with `prefix` (at `indent`); when it does not
  // fit, or `force_break`, breaks before each `and`/`or` with the operators at `cont` spaces.
  void condition(std::vector<Line>& lines, std::size_t indent, const std::string& prefix, const Expr& e,
                 std::size_t cont, bool force_break, std::uint32_t anchor) {
    cont = std::min(cont, kMaxConditionIndent);
    const bool chain = (e.kind == Expr::Kind::And || e.kind == Expr::Kind::Or) && e.operands.size() >= 2;
    const bool fits = !force_break && indent + width(prefix) + flat_width(e) <= kFormatWidth;
    if (!chain && e.kind == Expr::Kind::Not && e.operands.size() == 1 && (!fits || comment_within(e.operands[0]))) {
      // `not (a long group)`, or one with a comment inside: the group is broken after the `not`
      // (after `not` alone on its line, when a comment was written between it and the group).
      const Expr& child = e.operands[0];
      if (written_.comment_between(e.loc.offset, expr_start(child))) {
        lines.push_back({indent, prefix + (e.parenthesized ? "(not" : "not"), anchor, {}, nullptr});
        condition(lines, cont + 2, "", child, cont + 2, comment_within(child), first_offset(child));
        if (e.parenthesized) lines.back().text += ")";
        return;
      }
      const bool parens = needs_parens(child, 3);
      std::string open = std::string(e.parenthesized ? "(" : "") + "not " + (parens ? "(" : "");
      condition(lines, indent, prefix + open, child, cont + 2, comment_within(child), anchor);
      if (parens) lines.back().text += ")";
      if (e.parenthesized) lines.back().text += ")";
      return;
    }
    if (!chain) {
      // A test with a comment inside is broken where the comment was written.
      line_of(lines, indent, prefix, pieces_of(e), cont, anchor);
      return;
    }
    if (fits) {
      lines.push_back({indent, prefix + flat(e), anchor, {}, nullptr});
      return;
    }
    const bool is_and = e.kind == Expr::Kind::And;
    const int min = is_and ? 3 : 2;
    const bool pack = !force_break && e.operands.size() > kOperandsOnePerLine;
    std::string open = e.parenthesized ? "(" : "";
    for (std::size_t i = 0; i < e.operands.size(); ++i) {
      const Expr& child = e.operands[i];
      const bool parens = needs_parens(child, min);
      const std::string op = is_and ? "and " : "or ";
      if (pack && i > 0) {
        // Onto the line before, when the operand fits there whole.
        Line& last = lines.back();
        std::string piece = op + operand_text(child, min);
        if (last.indent + width(last.text) + 1 + width(piece) <= kFormatWidth) {
          last.text += " " + piece;
          continue;
        }
      }
      std::size_t line_indent = i == 0 ? indent : cont;
      std::string line_prefix = i == 0 ? prefix + open : op;
      if (parens) line_prefix += "(";
      std::uint32_t line_anchor = i == 0 ? anchor : first_offset(child);
      // A nested group that does not fit is broken too, its operators two spaces further in.
      condition(lines, line_indent, line_prefix, child, cont + 2, comment_within(child), line_anchor);
      if (parens) lines.back().text += ")";
    }
    if (e.parenthesized) lines.back().text += ")";
  }

 private:
  const Written& written_;

  static bool is_chain(const Expr& e) {
    return (e.kind == Expr::Kind::And || e.kind == Expr::Kind::Or) && e.operands.size() >= 2;
  }

  // The width of flat(e), counted without building it past the widest line.
  static std::size_t flat_width(const Expr& e) {
    std::size_t n = 0;
    add_width(e, n);
    return n;
  }
  static void add_width(const Expr& e, std::size_t& n) {
    if (n > kFormatWidth) return;
    if (e.kind == Expr::Kind::And || e.kind == Expr::Kind::Or || e.kind == Expr::Kind::Not) {
      if (e.parenthesized) n += 2;
      const bool is_and = e.kind == Expr::Kind::And;
      for (std::size_t i = 0; i < e.operands.size(); ++i) {
        if (i > 0 || e.kind == Expr::Kind::Not) n += e.kind == Expr::Kind::Not ? 4 : is_and ? 5 : 4;
        const Expr& c = e.operands[i];
        if (needs_parens(c, e.kind == Expr::Kind::Or ? 2 : 3)) n += 2;
        add_width(c, n);
        if (n > kFormatWidth) return;
      }
      return;
    }
    n += width(flat(e));
  }
};

// ---- items --------------------------------------------------------------------------------

std::string with_text(const std::string& s) { return s.empty() ? std::string{} : " " + quote(s); }

std::string values_text(const std::vector<ast::Name>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) out += (i > 0 ? " | " : "") + values[i].text;
  return out;
}

// `head` and then `names`, on one line when it fits in the width; otherwise as many names as fit
// on each line, the lines after the first at `cont` spaces (or one name a line, `one_per_line`:
// a comment among the names keeps each on a line of its own, so that it stays beside its name).
// Names are joined by `|` (values, which a continuation line starts with) or by `,` (lists of
// names, which end the line before).
void wrapped(std::vector<Line>& lines, std::size_t indent, const std::string& head, const std::vector<ast::Name>& names,
             bool bars, std::size_t cont, std::uint32_t anchor, bool one_per_line = false) {
  lines.push_back({indent, head, anchor, {}, nullptr});
  for (std::size_t i = 0; i < names.size(); ++i) {
    Line& last = lines.back();
    if (i == 0) {
      last.text += names[0].text;
      continue;
    }
    std::string piece = bars ? "| " + names[i].text : names[i].text;
    if (!bars) last.text += ",";
    if (!one_per_line && last.indent + width(last.text) + 1 + width(piece) <= kFormatWidth) {
      last.text += " " + piece;
    } else {
      lines.push_back({cont, piece, names[i].loc.offset, {}, nullptr});
    }
  }
}





class Formatter {
 public:
  Formatter(const ast::Policy& policy, std::string_view source)
      : policy_(policy), source_(source), written_(source, policy.comments), printer_(written_) {}

  std::string run() {
    blocks_.push_back(header_block());
    for (std::size_t i = 0; i < policy_.items.size(); ++i) blocks_.push_back(item_block(i));
    place_comments();
    return render();
  }

 private:
  const ast::Policy& policy_;
  std::string_view source_;
  Written written_;
  Printer printer_;
  std::vector<Block> blocks_;
  std::vector<const ast::Comment*> at_end_;  // comments after the last line of code

  bool comment_within(const Expr& e) const { return printer_.comment_within(e); }
  bool comment_between(std::uint32_t from, std::uint32_t to) const { return written_.comment_between(from, to); }
  std::uint32_t string_after(std::uint32_t from) const { return written_.string_after(from); }

  // Whether a comment sits among `names` (after the first, before the last).
  bool comment_among(const std::vector<ast::Name>& names) const {
    return names.size() >= 2 && comment_between(names.front().loc.offset, names.back().loc.offset);
  }

  std::uint32_t expr_start(const Expr& e) const { return printer_.expr_start(e); }

  // A date, or a range `A .. B`, as pieces.
  void date_pieces(std::vector<Piece>& out, const ast::DateRange& r) const {
    out.push_back({ast::to_string(r.first), r.loc.offset});
    if (r.first == r.last) return;
    const std::uint32_t last = written_.token_before(r.loc.offset + r.loc.length);
    out.push_back({"..", last == kNoAnchor ? kNoAnchor : written_.token_before(last)});
    out.push_back({ast::to_string(r.last), last});
  }

  // What a line begins with: its indent, its text so far and its anchor.
  struct Lead {
    std::string text;
    std::size_t indent = 0;
    std::uint32_t anchor = kNoAnchor;
  };

  // `pieces` after `start` (broken where comments were written between them), to be followed by
  // what was written at `next_at`. Returns what that goes after: the pieces' last line, taken off
  // `lines` so that it follows on it; or, when a comment was written between the last piece and
  // `next_at`, a line of its own at `cont` spaces.
  Lead lead_of(std::vector<Line>& lines, const Lead& start, const std::vector<Piece>& pieces, std::uint32_t next_at,
               std::size_t cont) {
    printer_.line_of(lines, start.indent, start.text, pieces, start.indent + 2, start.anchor);
    const std::uint32_t from = pieces.back().at;
    if (from != kNoAnchor && next_at != kNoAnchor && comment_between(from, next_at)) return {"", cont, next_at};
    Line last = std::move(lines.back());
    lines.pop_back();
    return {last.text + " ", last.indent, last.anchor};
  }

  // `keywords` (the last of them introducing the condition `e`) and `e`: when a comment was
  // written between the keywords and the condition, the condition starts the next line, at
  // `cont` spaces (where its operators line up); otherwise it follows them on their line.
  void keyed_condition(std::vector<Line>& lines, std::size_t indent, const std::vector<Piece>& keywords, const Expr& e,
                       std::size_t cont) {
    const Lead lead = lead_of(lines, {"", indent, keywords.front().at}, keywords, first_offset(e), cont);
    printer_.condition(lines, lead.indent, lead.text, e, cont, comment_within(e), lead.anchor);
  }

  // An item's keyword (after `replace`, if any), to be followed by its name: what the name goes
  // after (the name on a line of its own, two spaces in, when a comment was written before it).
  Lead keyword_lead(std::vector<Line>& lines, const std::string& replace, const char* keyword, std::uint32_t anchor,
                    const ast::Name& name) {
    std::vector<Piece> keywords = head_pieces(replace, keyword, anchor, name);
    keywords.pop_back();
    return lead_of(lines, {"", 0, anchor}, keywords, name.loc.offset, 2);
  }

  // `NAME:` (and `set of`) after `lead`, to be followed by a type written at `type_at`.
  Lead typed_lead(std::vector<Line>& lines, const Lead& lead, const ast::Name& name, bool is_set, std::uint32_t type_at) {
    std::vector<Piece> head{{name.text + ":", name.loc.offset}};
    if (is_set) {
      const std::uint32_t of = written_.token_before(type_at);
      head.push_back({"set", of == kNoAnchor ? kNoAnchor : written_.token_before(of)});
      head.push_back({"of", of});
    }
    return lead_of(lines, lead, head, type_at, lead.indent + 2);
  }

  Block header_block() {
    const auto& h = policy_.header;
    Block b;
    b.start = h.loc.offset;
    // Each clause a line, its tokens split only where a comment was written between them.
    std::vector<Piece> line{{"policy", h.loc.offset}, {h.name.text, h.name.loc.offset}};
    if (!h.title.empty()) line.push_back({quote(h.title), string_after(end_of(h.name))});
    printer_.line_of(b.lines, 0, "", line, 4, h.loc.offset);
    if (h.extends) {
      const auto& e = *h.extends;
      printer_.line_of(b.lines, 2, "",
                       {{"extends", e.loc.offset}, {e.base.text, e.base.loc.offset},
                        {"in", written_.token_before(e.path_loc.offset)}, {quote(e.path), e.path_loc.offset}},
                       4, e.loc.offset);
    }
    if (h.status) {
      const std::uint32_t at = written_.token_before(h.status->loc.offset);
      printer_.line_of(b.lines, 2, "", {{"status", at}, {h.status->text, h.status->loc.offset}}, 4, at);
    }
    if (h.in_force_from) {
      const std::uint32_t from = written_.token_before(h.in_force_from->loc.offset);
      const std::uint32_t force = from == kNoAnchor ? kNoAnchor : written_.token_before(from);
      const std::uint32_t in = force == kNoAnchor ? kNoAnchor : written_.token_before(force);
      line = {{"in", in}, {"force", force}, {"from", from}};
      date_pieces(line, *h.in_force_from);
      printer_.line_of(b.lines, 2, "", line, 4, in);
    }
    if (h.in_force_until) {
      const std::uint32_t until = written_.token_before(h.in_force_until->loc.offset);
      line = {{"until", until}};
      date_pieces(line, *h.in_force_until);
      printer_.line_of(b.lines, 2, "", line, 4, until);
    }
    if (h.scope) keyed_condition(b.lines, 2, {{"scope", h.scope->loc.offset}}, h.scope->condition, 8);
    for (const auto& s : h.sources) {
      line = {{"source", s.loc.offset}, {s.key.text, s.key.loc.offset}};
      line.push_back({quote(s.description), string_after(end_of(s.key))});  // written even when empty: it is not optional
      if (s.text) {
        line.push_back({"in", written_.token_before(s.text_loc.offset)});
        line.push_back({quote(*s.text), s.text_loc.offset});
      }
      printer_.line_of(b.lines, 2, "", line, 4, s.loc.offset);
    }
    // The header ends with the source line that holds its last clause.
    std::uint32_t last = b.start;
    for (const auto& line : b.lines) last = std::max(last, line.anchor);
    std::size_t end = source_.find('\n', std::min<std::size_t>(last, source_.size()));
    b.end = static_cast<std::uint32_t>(end == std::string_view::npos ? source_.size() : end);
    return b;
  }

  Block item_block(std::size_t index) {
    const ast::Item& item = policy_.items[index];
    Block b;
    b.start = item.loc.offset;
    b.end = std::max(item.end_offset, item.loc.offset);
    const std::string replace = item.op == ast::Item::Op::Replace ? "replace " : "";
    const std::uint32_t anchor = item.loc.offset;
    if (item.op == ast::Item::Op::Drop) {
      printer_.line_of(b.lines, 0, "",
                       {{"drop", anchor},
                        {ast::to_string(item.kind), written_.token_before(item.dropped.loc.offset)},
                        {item.dropped.text, item.dropped.loc.offset}},
                       2, anchor);
      return b;
    }
    std::visit([&](const auto& body) { print(b.lines, replace, anchor, body, b.end); }, item.body);
    b.roomy = item.kind == ast::ItemKind::Rule ||
              ((item.kind == ast::ItemKind::Definition || item.kind == ast::ItemKind::Decision) && b.lines.size() > 1);
    return b;
  }

  void print(std::vector<Line>& lines, const std::string& replace, std::uint32_t anchor, const ast::TypeDecl& t,
             std::uint32_t end) {
    const std::uint32_t last = t.values.empty() ? end_of(t.name) : end_of(t.values.back());
    Lead lead = keyword_lead(lines, replace, "type", anchor, t.name);
    lead = typed_lead(lines, lead, t.name, false, t.values.empty() ? kNoAnchor : t.values.front().loc.offset);
    described(lines, lead.text, &t.values, t.description, lead.anchor, end, last, lead.indent);
  }

  // A declaration (`head` and its values, if any) and its description, which goes on the next
  // line when both do not fit, or when a comment sits between them (so that it stays before the
  // description). Values that do not fit on the line are wrapped. `last` is the source offset
  // just past the declaration's last token before the description.
  void described(std::vector<Line>& lines, const std::string& head, const std::vector<ast::Name>* values,
                 const std::string& description, std::uint32_t anchor, std::uint32_t end, std::uint32_t last,
                 std::size_t indent = 0) {
    const std::uint32_t at = description.empty() ? kNoAnchor : string_after(last);
    const bool values_apart = values != nullptr && comment_among(*values);
    const bool description_apart = at != kNoAnchor && comment_between(last, at);
    std::string whole = values != nullptr ? head + values_text(*values) : head;
    std::string one_line = whole + with_text(description);
    if (!values_apart && !description_apart && indent + width(one_line) <= kFormatWidth) {
      lines.push_back({indent, one_line, anchor, {}, nullptr});
      return;
    }
    if (values != nullptr && (values_apart || indent + width(whole) > kFormatWidth)) {
      wrapped(lines, indent, head, *values, true, indent + 4, anchor, values_apart);
    } else {
      lines.push_back({indent, whole, anchor, {}, nullptr});
    }
    if (description.empty()) return;
    // Where the description's string begins; failing that, the item's end (a description that is
    // the item's last token closes just before it).
    const std::uint32_t where = at != kNoAnchor ? at : end > anchor + 1 ? end - 1 : anchor + 1;
    lines.push_back({indent + 2, quote(description), where, {}, nullptr});
  }

  void print(std::vector<Line>& lines, const std::string& replace, std::uint32_t anchor, const ast::FactDecl& f,
             std::uint32_t end) {
    const bool named = f.type.values.empty();
    Lead lead = keyword_lead(lines, replace, "fact", anchor, f.name);
    lead = typed_lead(lines, lead, f.name, f.type.is_set,
                      named ? f.type.name.loc.offset : f.type.values.front().loc.offset);
    if (named)
      described(lines, lead.text + f.type.name.text, nullptr, f.description, lead.anchor, end, end_of(f.type.name),
                lead.indent);
    else
      described(lines, lead.text, &f.type.values, f.description, lead.anchor, end, end_of(f.type.values.back()),
                lead.indent);
  }

  void print(std::vector<Line>& lines, const std::string& replace, std::uint32_t anchor, const ast::Declared& d,
             std::uint32_t end) {
    const char* word = d.kind == ast::Declared::Kind::Authority    ? "authority"
                       : d.kind == ast::Declared::Kind::Obligation ? "obligation"
                                                                   : "flag";
    const Lead lead = keyword_lead(lines, replace, word, anchor, d.name);
    described(lines, lead.text + d.name.text, nullptr, d.description, lead.anchor, end, end_of(d.name), lead.indent);
    if (!d.indicating.empty()) names_after(lines, {"indicating"}, d.indicating);
  }

  // `indicating a, b` or `exception to a, b`: the keywords, then the names (on a line of their own
  // when a comment was written before the first; one a line when one was written among them).
  void names_after(std::vector<Line>& lines, const std::vector<std::string>& keywords, const std::vector<ast::Name>& names) {
    std::vector<Piece> head(keywords.size());
    std::uint32_t at = names.front().loc.offset;
    for (std::size_t i = keywords.size(); i-- > 0;) {
      at = at == kNoAnchor ? kNoAnchor : written_.token_before(at);
      head[i] = {keywords[i], at};
    }
    const Lead lead = lead_of(lines, {"", 2, head.front().at}, head, names.front().loc.offset, 4);
    wrapped(lines, lead.indent, lead.text, names, false, 4, lead.anchor, comment_among(names));
  }

  void cites(std::vector<Line>& lines, const std::vector<ast::Citation>& cs) {
    for (const auto& c : cs) {
      std::vector<Piece> line{{"cites", c.loc.offset}, {c.source.text, c.source.loc.offset}};
      if (c.section) line.push_back({c.section->text, c.section->loc.offset});
      if (c.quote) line.push_back({quote(*c.quote), c.quote_loc.offset});
      printer_.line_of(lines, 2, "", line, 4, c.loc.offset);
    }
  }

  // An item's keyword (after `replace`, if any) and its name, as pieces.
  std::vector<Piece> head_pieces(const std::string& replace, const char* keyword, std::uint32_t anchor,
                                 const ast::Name& name) const {
    std::vector<Piece> out;
    if (!replace.empty()) out.push_back({"replace", anchor});
    out.push_back({keyword, replace.empty() ? anchor : written_.token_before(name.loc.offset)});
    out.push_back({name.text, name.loc.offset});
    return out;
  }

  // The keyword that introduces condition `e`.
  std::uint32_t keyword_before(const Expr& e) const { return written_.token_before(expr_start(e)); }

  void print(std::vector<Line>& lines, const std::string& replace, std::uint32_t anchor, const ast::Definition& d,
             std::uint32_t) {
    std::vector<Piece> head = head_pieces(replace, "define", anchor, d.name);
    if (!d.title.empty()) head.push_back({quote(d.title), string_after(end_of(d.name))});
    const std::uint32_t equals = keyword_before(d.body);
    head.push_back({"=", equals});
    printer_.line_of(lines, 0, "", head, 2, anchor);
    // The body follows on the line when it fits and no comment is written inside it or before it.
    const bool below = printer_.comment_inside(d.body) || (equals != kNoAnchor && comment_between(equals, first_offset(d.body)));
    std::string body = flat(d.body);
    Line& last = lines.back();
    if (!below && last.indent + width(last.text) + 1 + width(body) <= kFormatWidth) {
      last.text += " " + body;
    } else {
      printer_.condition(lines, 2, "", d.body, 4, comment_within(d.body), first_offset(d.body));
    }
    cites(lines, d.cites);
  }

  void print(std::vector<Line>& lines, const std::string& replace, std::uint32_t anchor, const ast::DecisionDecl& d,
             std::uint32_t) {
    std::vector<Piece> head = head_pieces(replace, "decision", anchor, d.name);
    if (!d.title.empty()) head.push_back({quote(d.title), string_after(end_of(d.name))});
    head.back().text += ":";
    const Lead lead = lead_of(lines, {"", 0, anchor}, head, d.values.empty() ? kNoAnchor : d.values.front().loc.offset, 4);
    wrapped(lines, lead.indent, lead.text, d.values, true, 4, lead.anchor, comment_among(d.values));
    if (d.default_value) {
      const std::uint32_t at = written_.token_before(d.default_value->loc.offset);
      printer_.line_of(lines, 2, "", {{"default", at}, {d.default_value->text, d.default_value->loc.offset}}, 4, at);
    }
    if (d.applies_when) {
      const std::uint32_t when = keyword_before(*d.applies_when);
      const std::uint32_t applies = when == kNoAnchor ? kNoAnchor : written_.token_before(when);
      keyed_condition(lines, 2, {{"applies", applies}, {"when", when}}, *d.applies_when, 15);
    }
    cites(lines, d.cites);
  }

  // A conclusion's tokens, each with where it was written.
  std::vector<Piece> conclusion_pieces(const ast::Conclusion& c) const {
    if (c.kind == ast::Conclusion::Kind::Set) {
      std::vector<Piece> out{{c.target.text, c.target.loc.offset},
                             {"=", written_.token_after(end_of(c.target))},
                             {c.value.text, c.value.loc.offset}};
      if (c.by) {
        out.push_back({"by", written_.token_before(c.by->loc.offset)});
        out.push_back({c.by->text, c.by->loc.offset});
      }
      return out;
    }
    std::vector<Piece> out{{c.kind == ast::Conclusion::Kind::Owe ? "owe" : "flag", c.loc.offset},
                           {c.target.text, c.target.loc.offset}};
    if (!c.detail.empty()) out.push_back({quote(c.detail), string_after(end_of(c.target))});
    return out;
  }

  void print(std::vector<Line>& lines, const std::string& replace, std::uint32_t anchor, const ast::Rule& r,
             std::uint32_t) {
    std::vector<Piece> head = head_pieces(replace, "rule", anchor, r.name);
    if (!r.title.empty()) head.push_back({quote(r.title), string_after(end_of(r.name))});
    printer_.line_of(lines, 0, "", head, 2, anchor);
    lines.back().text += ":";
    if (!r.exception_to.empty()) names_after(lines, {"exception", "to"}, r.exception_to);
    if (r.when) keyed_condition(lines, 2, {{"when", keyword_before(*r.when)}}, *r.when, 7);
    // A comment between `then` and the first conclusion leaves `then` alone on its line.
    const std::uint32_t then = r.then.empty() ? kNoAnchor : written_.token_before(r.then.front().loc.offset);
    const bool then_apart = then != kNoAnchor && comment_between(then, r.then.front().loc.offset);
    if (then_apart) lines.push_back({2, "then", then, {}, nullptr});
    for (std::size_t i = 0; i < r.then.size(); ++i) {
      const ast::Conclusion& c = r.then[i];
      const std::size_t indent = i == 0 && !then_apart ? 2u : 7u;
      const std::string lead = i == 0 && !then_apart ? "then " : "";
      // A comment between two of its tokens (`owe`, the obligation, its detail) breaks it there,
      // the rest two spaces further in than the conclusion.
      printer_.line_of(lines, indent, lead, conclusion_pieces(c), indent + width(lead) + 2,
                       i == 0 && !then_apart && then != kNoAnchor ? then : c.loc.offset);
      if (i + 1 < r.then.size()) lines.back().text += ",";
    }
    cites(lines, r.cites);
  }

  // ---- comments ---------------------------------------------------------------------------

  void place_comments() {
    for (const auto& c : policy_.comments) {
      const std::uint32_t at = c.loc.offset;
      Line* before = nullptr;  // the first line of code after the comment
      Line* after = nullptr;   // the last line of code before it
      for (auto& b : blocks_)
        for (auto& line : b.lines) {
          if (line.anchor == kNoAnchor) continue;
          if (line.anchor > at && (before == nullptr || line.anchor < before->anchor)) before = &line;
          if (line.anchor < at && (after == nullptr || line.anchor > after->anchor)) after = &line;
        }
      if (c.trailing && after != nullptr && after->trailing == nullptr) {
        after->trailing = &c;
        continue;
      }
      // A full-line comment, or a second trailing comment for a line that already has one (lines
      // were joined): it goes above the next line, where it will stay on the next run.
      if (before != nullptr) before->before.push_back(&c);
      else at_end_.push_back(&c);
    }
  }

  std::uint32_t comment_end(const ast::Comment& c) const {
    return static_cast<std::uint32_t>(std::min<std::size_t>(source_.size(), c.loc.offset + c.text.size()));
  }

  // Whether the author left an empty line somewhere in [from, to).
  bool blank_between(std::uint32_t from, std::uint32_t to) const {
    if (from >= to || from >= source_.size()) return false;
    std::string_view region = source_.substr(from, std::min<std::size_t>(to, source_.size()) - from);
    std::size_t nl = region.find('\n');
    while (nl != std::string_view::npos) {
      std::size_t next = region.find('\n', nl + 1);
      if (next == std::string_view::npos) break;
      std::string_view between = region.substr(nl + 1, next - nl - 1);
      if (between.find_first_not_of(" \t\r\f\v") == std::string_view::npos) return true;
      nl = next;
    }
    return false;
  }

  std::string render() {
    std::string out;
    bool printed = false;       // something is already printed
    std::uint32_t last_end = 0;  // source end of what was printed last (at the top level)
    bool last_roomy = false;
    auto put_comment = [&](const ast::Comment& c, std::size_t indent) {
      out += spaces(indent) + c.text + "\n";
    };
    for (std::size_t bi = 0; bi < blocks_.size(); ++bi) {
      Block& b = blocks_[bi];
      if (b.lines.empty()) continue;
      const auto& leading = b.lines.front().before;
      std::uint32_t group_start = leading.empty() ? b.start : leading.front()->loc.offset;
      bool forced = bi == 1 || (bi > 1 && (last_roomy || b.roomy));
      if (printed && (forced || blank_between(last_end, group_start))) out += "\n";
      for (std::size_t ci = 0; ci < leading.size(); ++ci) {
        put_comment(*leading[ci], 0);
        std::uint32_t next = ci + 1 < leading.size() ? leading[ci + 1]->loc.offset : b.start;
        if (blank_between(comment_end(*leading[ci]), next)) out += "\n";
      }
      for (std::size_t li = 0; li < b.lines.size(); ++li) {
        const Line& line = b.lines[li];
        if (li > 0)
          for (const auto* c : line.before) put_comment(*c, line.indent);
        out += spaces(line.indent) + line.text;
        if (line.trailing != nullptr) out += "  " + line.trailing->text;
        out += "\n";
      }
      printed = true;
      last_end = b.end;
      last_roomy = b.roomy;
    }
    for (const auto* c : at_end_) {
      if (printed && blank_between(last_end, c->loc.offset)) out += "\n";
      put_comment(*c, 0);
      printed = true;
      last_end = comment_end(*c);
    }
    return out;
  }
};

// ---- comparing two policies, places ignored ------------------------------------------------

struct Differ {
  std::string difference;

  bool differ(const std::string& what) {
    if (difference.empty()) difference = what;
    return false;
  }

  bool same(const ast::Name& a, const ast::Name& b, const std::string& what) {
    return a.text == b.text || differ(fmt::format("{}: `{}` vs `{}`", what, a.text, b.text));
  }
  bool same(const std::optional<ast::Name>& a, const std::optional<ast::Name>& b, const std::string& what) {
    if (a.has_value() != b.has_value()) return differ(what + ": present in one only");
    return !a || same(*a, *b, what);
  }
  bool same_text(const std::string& a, const std::string& b, const std::string& what) {
    return a == b || differ(fmt::format("{}: \"{}\" vs \"{}\"", what, a, b));
  }
  bool same(const std::vector<ast::Name>& a, const std::vector<ast::Name>& b, const std::string& what) {
    if (a.size() != b.size()) return differ(what + ": different counts");
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i], what)) return false;
    return true;
  }
  bool same(const std::optional<ast::DateRange>& a, const std::optional<ast::DateRange>& b, const std::string& what) {
    if (a.has_value() != b.has_value()) return differ(what + ": present in one only");
    return !a || (a->first == b->first && a->last == b->last) || differ(what + ": dates differ");
  }

  bool same(const Expr& a, const Expr& b, const std::string& what) {
    if (a.kind != b.kind || a.parenthesized != b.parenthesized || a.operands.size() != b.operands.size())
      return differ(fmt::format("{}: `{}` vs `{}`", what, flat(a), flat(b)));
    switch (a.kind) {
      case Expr::Kind::Literal: {
        const auto& x = a.literal;
        const auto& y = b.literal;
        bool eq = x.kind == y.kind && x.boolean == y.boolean && x.integer == y.integer && x.date == y.date && x.text == y.text;
        if (!eq) return differ(fmt::format("{}: `{}` vs `{}`", what, flat(a), flat(b)));
        break;
      }
      case Expr::Kind::Compare:
        if (a.op != b.op) return differ(fmt::format("{}: `{}` vs `{}`", what, flat(a), flat(b)));
        break;
      case Expr::Kind::Name:
      case Expr::Kind::IsKnown:
      case Expr::Kind::IsUnknown:
      case Expr::Kind::Is:
      case Expr::Kind::IsNot:
      case Expr::Kind::Has:
      case Expr::Kind::IsEmpty:
      case Expr::Kind::IsNotEmpty:
        if (a.name.text != b.name.text || a.value.text != b.value.text)
          return differ(fmt::format("{}: `{}` vs `{}`", what, flat(a), flat(b)));
        break;
      default: break;
    }
    for (std::size_t i = 0; i < a.operands.size(); ++i)
      if (!same(a.operands[i], b.operands[i], what)) return false;
    return true;
  }
  bool same(const std::optional<Expr>& a, const std::optional<Expr>& b, const std::string& what) {
    if (a.has_value() != b.has_value()) return differ(what + ": present in one only");
    return !a || same(*a, *b, what);
  }

  bool same(const std::vector<ast::Citation>& a, const std::vector<ast::Citation>& b, const std::string& what) {
    if (a.size() != b.size()) return differ(what + ": different numbers of citations");
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same(a[i].source, b[i].source, what) || !same(a[i].section, b[i].section, what)) return false;
      if (a[i].quote != b[i].quote) return differ(what + ": quoted clauses differ");
    }
    return true;
  }

  bool same_body(const ast::TypeDecl& a, const ast::TypeDecl& b, const std::string& w) {
    return same(a.name, b.name, w) && same(a.values, b.values, w) && same_text(a.description, b.description, w);
  }
  bool same_body(const ast::FactDecl& a, const ast::FactDecl& b, const std::string& w) {
    if (a.type.is_set != b.type.is_set) return differ(w + ": `set of` in one only");
    return same(a.name, b.name, w) && same(a.type.name, b.type.name, w) && same(a.type.values, b.type.values, w) &&
           same_text(a.description, b.description, w);
  }
  bool same_body(const ast::Definition& a, const ast::Definition& b, const std::string& w) {
    return same(a.name, b.name, w) && same_text(a.title, b.title, w) && same(a.body, b.body, w) && same(a.cites, b.cites, w);
  }
  bool same_body(const ast::DecisionDecl& a, const ast::DecisionDecl& b, const std::string& w) {
    return same(a.name, b.name, w) && same_text(a.title, b.title, w) && same(a.values, b.values, w) &&
           same(a.default_value, b.default_value, w) && same(a.applies_when, b.applies_when, w) && same(a.cites, b.cites, w);
  }
  bool same_body(const ast::Declared& a, const ast::Declared& b, const std::string& w) {
    return (a.kind == b.kind || differ(w + ": kinds differ")) && same(a.name, b.name, w) &&
           same_text(a.description, b.description, w) && same(a.indicating, b.indicating, w);
  }
  bool same_body(const ast::Rule& a, const ast::Rule& b, const std::string& w) {
    if (!same(a.name, b.name, w) || !same_text(a.title, b.title, w) || !same(a.exception_to, b.exception_to, w) ||
        !same(a.when, b.when, w) || !same(a.cites, b.cites, w))
      return false;
    if (a.then.size() != b.then.size()) return differ(w + ": different numbers of conclusions");
    for (std::size_t i = 0; i < a.then.size(); ++i) {
      const auto& x = a.then[i];
      const auto& y = b.then[i];
      if (x.kind != y.kind) return differ(w + ": conclusions differ");
      if (!same(x.target, y.target, w) || !same(x.value, y.value, w) || !same(x.by, y.by, w) ||
          !same_text(x.detail, y.detail, w))
        return false;
    }
    return true;
  }

  bool same(const ast::Policy& a, const ast::Policy& b) {
    const auto& h = a.header;
    const auto& g = b.header;
    if (!same(h.name, g.name, "policy name") || !same_text(h.title, g.title, "policy title") ||
        !same(h.status, g.status, "status") || !same(h.in_force_from, g.in_force_from, "in force from") ||
        !same(h.in_force_until, g.in_force_until, "until"))
      return false;
    if (h.scope.has_value() != g.scope.has_value()) return differ("scope: present in one only");
    if (h.scope && !same(h.scope->condition, g.scope->condition, "scope")) return false;
    if (h.extends.has_value() != g.extends.has_value()) return differ("extends: present in one only");
    if (h.extends && (!same(h.extends->base, g.extends->base, "extends") || !same_text(h.extends->path, g.extends->path, "extends")))
      return false;
    if (h.sources.size() != g.sources.size()) return differ("different numbers of sources");
    for (std::size_t i = 0; i < h.sources.size(); ++i)
      if (!same(h.sources[i].key, g.sources[i].key, "source") ||
          !same_text(h.sources[i].description, g.sources[i].description, "source") ||
          (h.sources[i].text != g.sources[i].text && !differ("source text")))
        return false;
    if (a.items.size() != b.items.size())
      return differ(fmt::format("{} items vs {}", a.items.size(), b.items.size()));
    for (std::size_t i = 0; i < a.items.size(); ++i) {
      const auto& x = a.items[i];
      const auto& y = b.items[i];
      std::string w = fmt::format("item {} ({} {})", i + 1, ast::to_string(x.kind), ast::item_name(x).text);
      if (x.op != y.op || x.kind != y.kind || x.body.index() != y.body.index()) return differ(w + ": different kinds");
      if (x.op == ast::Item::Op::Drop) {
        if (!same(x.dropped, y.dropped, w)) return false;
        continue;
      }
      bool eq = std::visit(
          [&](const auto& body) {
            using T = std::decay_t<decltype(body)>;
            return same_body(body, std::get<T>(y.body), w);
          },
          x.body);
      if (!eq) return false;
    }
    // Comments may move between lines (clauses are put in one order), but none is lost or changed.
    auto texts = [](const ast::Policy& p) {
      std::vector<std::string> out;
      for (const auto& c : p.comments) out.push_back(c.text);
      std::sort(out.begin(), out.end());
      return out;
    };
    auto ta = texts(a);
    auto tb = texts(b);
    if (ta.size() != tb.size()) return differ(fmt::format("{} comments vs {}", ta.size(), tb.size()));
    for (std::size_t i = 0; i < ta.size(); ++i)
      if (!same_text(ta[i], tb[i], "a comment")) return false;
    return true;
  }
};

}  // namespace

std::string format(const ast::Policy& policy, std::string_view original_source) {
  return Formatter(policy, original_source).run();
}

std::string ast_difference(const ast::Policy& a, const ast::Policy& b) {
  Differ d;
  d.same(a, b);
  return d.difference;
}

}  // namespace decree::dsl
