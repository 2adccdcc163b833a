// The parser's driver: checks the limits before any recursion, collects comments, then parses
// the header and each top-level item with the X3 grammar, turning a failure into a diagnostic
// a student can read and resuming at the next item.
#include "dsl/parse.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "dsl/grammar.hpp"
#include "dsl/keywords.hpp"

namespace decree::dsl {

namespace {

namespace x3 = boost::spirit::x3;
using grammar::iterator_type;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
bool is_ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

class Driver {
 public:
  Driver(std::string_view source, const std::string& file, const ParseLimits& limits)
      : file_(file, std::string(source)), limits_(limits) {
    begin_ = file_.text().data();
    end_ = begin_ + file_.text().size();
    state_.begin = begin_;
    state_.end = end_;
    state_.file = &file_;
    state_.limits = &limits_;
    state_.diagnostics = &diagnostics_;
  }

  ParseResult run() {
    ParseResult result;
    if (check_text()) {
      ast::Policy policy;
      policy.file = file_.name();
      policy.comments = collect_comments();
      bool header_ok = parse_header(policy.header);
      parse_items(policy.items);
      if (header_ok) result.policy = std::move(policy);
    }
    result.diagnostics = std::move(diagnostics_);
    return result;
  }

 private:
  SourceLoc loc_at(const char* p, std::size_t length = 1) const {
    return file_.locate(static_cast<std::size_t>(p - begin_), length);
  }

  void error(std::string code, SourceLoc loc, std::string message, std::string hint = {}) {
    diagnostics_.push_back(make_error(std::move(code), std::move(loc), std::move(message), std::move(hint)));
  }

  // ---- Limits and encoding, checked before the grammar (and its recursion) sees the text.

  bool check_text() {
    const std::string& text = file_.text();
    SourceLoc whole;
    whole.file = file_.name();
    if (text.size() > limits_.max_file_bytes) {
      error("parse.file-too-large", whole,
            fmt::format("this file is {} bytes; policy files are limited to {} bytes ({} MiB)", text.size(),
                        limits_.max_file_bytes, limits_.max_file_bytes >> 20));
      return false;
    }
    if (auto nul = text.find('\0'); nul != std::string::npos) {
      error("parse.binary", loc_at(begin_ + nul),
            "this file holds a NUL byte, so it looks binary; a policy is a text file",
            "is this the right file? Policies are `.decree` text files");
      return false;
    }
    if (auto bad = first_invalid_utf8(text); bad != std::string::npos) {
      SourceLoc loc = loc_at(begin_ + bad);
      loc.length = 1;
      error("parse.not-utf8", loc,
            fmt::format("byte 0x{:02X} is not valid UTF-8; policy files must be UTF-8 text",
                        static_cast<unsigned char>(text[bad])),
            "save the file as UTF-8 in your editor");
      return false;
    }
    bool ok = true;
    for (std::uint32_t line = 1; line <= file_.line_count(); ++line) {
      auto chars = utf8_length(file_.line_text(line));
      if (chars > limits_.max_line_chars) {
        auto offset = static_cast<std::size_t>(file_.line_text(line).data() - begin_);
        error("parse.line-too-long", loc_at(begin_ + offset),
              fmt::format("line {} is {} characters long; lines are limited to {} characters", line, chars,
                          limits_.max_line_chars),
              "break long conditions over several lines: line breaks are free in Decree");
        ok = false;
      }
    }
    return ok && check_nesting();
  }

  // Depth of one condition: open parentheses plus a run of `not`s. Measured with a counter
  // before parsing, so that the recursive grammar never sees input deeper than the limit.
  bool check_nesting() {
    std::size_t parens = 0;
    std::size_t nots = 0;
    const char* p = begin_;
    while (p < end_) {
      char c = *p;
      if (c == '#') {
        while (p < end_ && *p != '\n') ++p;
      } else if (c == '"') {
        ++p;
        while (p < end_ && *p != '"' && *p != '\n') p += (*p == '\\' && p + 1 < end_) ? 2 : 1;
        if (p < end_ && *p == '"') ++p;
        nots = 0;
      } else if (is_blank(c)) {
        ++p;
      } else if (c == '(' || c == ')') {
        if (c == '(') ++parens;
        else if (parens > 0) --parens;
        if (c == '(' && parens + nots > limits_.max_nesting) return nesting_error(p);
        ++p;
      } else if (is_ident(c)) {
        const char* start = p;
        while (p < end_ && is_ident(*p)) ++p;
        if (std::string_view(start, static_cast<std::size_t>(p - start)) == "not") {
          ++nots;
          if (parens + nots > limits_.max_nesting) return nesting_error(start);
        } else {
          nots = 0;
        }
      } else {
        nots = 0;
        ++p;
      }
    }
    return true;
  }

  bool nesting_error(const char* p) {
    error("parse.nesting-too-deep", loc_at(p),
          fmt::format("this condition is nested more than {} levels deep (parentheses and `not`s); "
                      "that is the limit",
                      limits_.max_nesting),
          "name part of the condition with `define` and use the name instead");
    return false;
  }

  // ---- Comments, kept for the formatter.

  std::vector<ast::Comment> collect_comments() const {
    std::vector<ast::Comment> out;
    bool code_on_line = false;
    const char* p = begin_;
    while (p < end_) {
      char c = *p;
      if (c == '\n') {
        code_on_line = false;
        ++p;
      } else if (c == '#') {
        const char* start = p;
        while (p < end_ && *p != '\n') ++p;
        const char* stop = p;
        while (stop > start && (stop[-1] == '\r' || stop[-1] == ' ' || stop[-1] == '\t')) --stop;
        ast::Comment comment;
        comment.loc = loc_at(start, static_cast<std::size_t>(stop - start));
        comment.text.assign(start, stop);
        comment.trailing = code_on_line;
        out.push_back(std::move(comment));
      } else if (c == '"') {
        code_on_line = true;
        ++p;
        while (p < end_ && *p != '"' && *p != '\n') p += (*p == '\\' && p + 1 < end_) ? 2 : 1;
        if (p < end_ && *p == '"') ++p;
      } else {
        if (!is_blank(c)) code_on_line = true;
        ++p;
      }
    }
    return out;
  }

  // ---- Tokens around an error, for messages.

  const char* skip_blank(const char* p) const { return grammar::skip_blank(p, end_); }

  // Where a comment starts on the line that holds `p`, if one starts before `p`.
  const char* comment_start_before(const char* line_start, const char* p) const {
    bool in_string = false;
    for (const char* q = line_start; q < p; ++q) {
      if (*q == '"') in_string = !in_string;
      else if (*q == '\\' && in_string) ++q;
      else if (*q == '#' && !in_string) return q;
    }
    return nullptr;
  }

  // The token that ends just before `p` (blanks and comments skipped), for "after `X`".
  std::string previous_token(const char* p) const {
    for (;;) {
      while (p > begin_ && is_blank(p[-1])) --p;
      if (p == begin_) return {};
      const char* line_start = p;
      while (line_start > begin_ && line_start[-1] != '\n') --line_start;
      const char* comment = comment_start_before(line_start, p);
      if (comment == nullptr) break;
      p = comment;
    }
    const char* last = p;
    if (is_ident(p[-1])) {
      while (p > begin_ && is_ident(p[-1])) --p;
      // A date such as 1956-02-10 reads as one token.
      if (last - p == 2 && p - begin_ >= 8 && p[-1] == '-' && p[-4] == '-') p -= 8;
    } else if (p[-1] == '"') {
      return "a string";
    } else {
      --p;
      if (p > begin_ && (p[0] == '=' || p[0] == '.') && (p[-1] == '!' || p[-1] == '<' || p[-1] == '>' || p[-1] == '.'))
        --p;
    }
    return shorten(std::string(p, last));
  }

  // Just after the last token before `p` (blanks and comments skipped): where something is
  // missing when the file ends.
  const char* end_of_previous_token(const char* p) const {
    for (;;) {
      while (p > begin_ && is_blank(p[-1])) --p;
      if (p == begin_) return p;
      const char* line_start = p;
      while (line_start > begin_ && line_start[-1] != '\n') --line_start;
      const char* comment = comment_start_before(line_start, p);
      if (comment == nullptr) return p;
      p = comment;
    }
  }

  // The token at `p`, described for "found …".
  std::string found_at(const char* p) const {
    if (p >= end_) return "the end of the file";
    if (*p == '"') return "a string";
    if (is_ident(*p)) {
      const char* q = p;
      while (q < end_ && is_ident(*q)) ++q;
      std::string word(p, q);
      if (is_keyword(word)) return fmt::format("the keyword `{}`", word);
      return fmt::format("`{}`", shorten(word));
    }
    // One character (a whole UTF-8 sequence), or a two-character operator.
    std::size_t n = 1;
    while (p + n < end_ && (static_cast<unsigned char>(p[n]) & 0xC0) == 0x80) ++n;
    if (n == 1 && p + 1 < end_ && std::string_view("=!<>.").find(p[0]) != std::string_view::npos &&
        (p[1] == '=' || (p[0] == '.' && p[1] == '.')))
      n = 2;
    return fmt::format("`{}`", std::string(p, n));
  }

  static std::string shorten(std::string word) {
    if (utf8_length(word) <= 40) return word;
    return word.substr(0, 37) + "...";
  }

  std::string word_at(const char* p) const {
    const char* q = p;
    while (q < end_ && is_ident(*q)) ++q;
    return std::string(p, q);
  }

  std::size_t token_length(const char* p) const {
    if (p >= end_) return 1;
    if (is_ident(*p)) {
      const char* q = p;
      while (q < end_ && is_ident(*q)) ++q;
      return static_cast<std::size_t>(q - p);
    }
    return 1;
  }

  // ---- Expectation failures: "expected X after `Y`, found Z".

  void expectation_error(const std::string& which, const char* where) {
    if (unclosed_string_error(which, where)) return;
    const char* at = skip_blank(where);
    if (stray_paren_error(which, at) || list_comma_error(which, where, at) || date_format_error(which, at) ||
        quoted_values_error(which, at))
      return;
    if (which == "`)`" && unclosed_paren_error(where, at)) return;
    std::string prev = previous_token(where);
    std::string found = found_at(at);
    std::string after = prev == "a string" ? prev : fmt::format("`{}`", prev);
    std::string message = prev.empty() ? fmt::format("expected {}, found {}", which, found)
                                       : fmt::format("expected {} after {}, found {}", which, after, found);
    std::string hint = hint_for(which, prev, at);
    SourceLoc loc = loc_at(at, std::min<std::size_t>(token_length(at), 200));
    if (at >= end_) loc = loc_at(end_of_previous_token(where));
    error("parse.expected", std::move(loc), std::move(message), std::move(hint));
  }

  // ---- Mistakes that deserve their own message rather than "expected X, found Y".

  // `when (a and (b or c)` then ...: the mistake is the `(` left open, not the word after it.
  bool unclosed_paren_error(const char* where, const char* at) {
    // The item starts at the last line before `where` that begins in the first column.
    const char* item = where;
    while (item > begin_) {
      const char* line = item;
      while (line > begin_ && line[-1] != '\n') --line;
      if (line < end_ && !is_blank(*line) && *line != '#') {
        item = line;
        break;
      }
      item = line > begin_ ? line - 1 : begin_;
    }
    std::vector<const char*> open;
    for (const char* q = item; q < where; ++q) {
      if (*q == '#') {
        while (q < where && *q != '\n') ++q;
      } else if (*q == '"') {
        ++q;
        while (q < where && *q != '"' && *q != '\n') q += (*q == '\\' && q + 1 < where) ? 2 : 1;
      } else if (*q == '(') {
        open.push_back(q);
      } else if (*q == ')' && !open.empty()) {
        open.pop_back();
      }
    }
    if (open.empty()) return false;
    std::string found = at < end_ ? found_at(at) : "the end of the file";
    error("parse.unclosed-paren", loc_at(open.back()),
          fmt::format("this `(` is not closed: expected `)` before {}", found),
          "every `(` needs a matching `)`; close it where the condition it groups ends");
    return true;
  }

  static bool at_line_end(const char* p, const char* end) {
    return p >= end || *p == '\n' || *p == '\r';
  }

  // A string still open at the end of its line: the grammar stops at the line break, but the
  // mistake is at the opening quote.
  bool unclosed_string_error(const std::string& which, const char* where) {
    bool string_end = which.rfind("a closing `\"`", 0) == 0;
    bool escape_at_end = which.rfind("`\"` or `\\`", 0) == 0 && at_line_end(where, end_);
    if (!string_end && !escape_at_end) return false;
    const char* line_start = where;
    while (line_start > begin_ && line_start[-1] != '\n') --line_start;
    const char* open = nullptr;
    bool escaped_quote = false;  // a `\"` inside the open string
    for (const char* q = line_start; q < where; ++q) {
      if (open == nullptr && *q == '#') break;
      if (*q == '"') {
        open = open == nullptr ? q : nullptr;
        escaped_quote = false;
      } else if (*q == '\\' && open != nullptr) {
        if (q + 1 < where && q[1] == '"') escaped_quote = true;
        ++q;
      }
    }
    if (open == nullptr) return false;
    const char* stop = where;
    while (stop > open + 1 && (stop[-1] == ' ' || stop[-1] == '\t')) --stop;
    std::string hint = "end the string with `\"` on the same line; a string cannot continue on the next line";
    if (escaped_quote)
      hint = "end the string with `\"` on the same line; `\\\"` is a quote inside the string, not its end (a string "
             "that ends with a backslash ends with `\\\\\"`)";
    else if (stop[-1] == '\\')
      hint = "a `\\` starts an escape (`\\\"` or `\\\\`); end the string with `\"` on the same line";
    error("parse.unclosed-string", loc_at(open, static_cast<std::size_t>(stop - open)),
          "this string is not closed: there is no closing `\"` before the end of the line", std::move(hint));
    return true;
  }

  // A `)` with no `(` open before it in the same item.
  bool stray_paren_error(const std::string& which, const char* at) {
    if (at >= end_ || *at != ')') return false;
    // Where a condition is missing, the missing condition is the mistake to report.
    if (which == "a condition" || which == "a value or a fact") return false;
    std::size_t open = 0;
    for (const char* q = item_start_; q < at; ++q) {
      if (*q == '#') {
        while (q < at && *q != '\n') ++q;
      } else if (*q == '"') {
        ++q;
        while (q < at && *q != '"' && *q != '\n') q += (*q == '\\' && q + 1 < at) ? 2 : 1;
      } else if (*q == '(') {
        ++open;
      } else if (*q == ')' && open > 0) {
        --open;
      }
    }
    if (open > 0) return false;
    error("parse.unmatched-paren", loc_at(at), "this `)` closes nothing: there is no `(` open before it",
          "remove the `)`, or add the `(` it was meant to close");
    return true;
  }

  // The comma-separated lists: `then` conclusions, `exception to` rules, `indicating` facts.
  struct CommaList {
    std::string_view element_rule;  // the grammar's name for an element after a comma (a prefix)
    std::string_view list_rule;     // the grammar's name for the whole list
    std::string_view opener;        // the words that start the list
    std::string_view element;       // what each element is
    std::string_view last;          // where a comma at the end stands, for the hint
  };
  static constexpr CommaList kCommaLists[] = {
      {"a conclusion", "conclusions", "`then`", "conclusion", "the rule's last conclusion"},
      {"a rule's name", "the rules this one is an exception to", "`exception to`", "rule name",
       "the last rule in `exception to`"},
      {"a fact's name", "the facts the report indicates", "`indicating`", "fact", "the last fact in `indicating`"},
  };

  // A comma out of place in a list: at its start (`exception to , a`), doubled (`a,, b`), or
  // at its end with nothing after it (`then x = y,`).
  bool list_comma_error(const std::string& which, const char* where, const char* at) {
    for (const auto& list : kCommaLists) {
      if (which == list.list_rule && at < end_ && *at == ',') {
        const char* next = skip_blank(at + 1);
        std::string hint = next < end_ && is_ident(*next) && !is_keyword(word_at(next))
                               ? fmt::format("remove the comma before `{}`", shorten(word_at(next)))
                               : std::string();
        error("parse.leading-comma", loc_at(at),
              fmt::format("{} must be followed by a {}, but it is followed by a comma", list.opener, list.element),
              std::move(hint));
        return true;
      }
      if (which.rfind(list.element_rule, 0) != 0) continue;
      const char* comma = end_of_previous_token(where);
      if (comma == begin_ || comma[-1] != ',') return false;
      --comma;
      if (at < end_ && *at == ',') {
        bool same_line = std::find(comma, at, '\n') == at;
        error("parse.doubled-comma", same_line ? loc_at(comma, static_cast<std::size_t>(at - comma + 1)) : loc_at(at),
              fmt::format("two commas in a row: a comma must be followed by another {}", list.element),
              "remove one of the commas");
        return true;
      }
      // The list has clearly ended when a keyword or the end of the file follows.
      bool list_ended = at >= end_ || (is_ident(*at) && is_keyword(word_at(at)));
      error("parse.trailing-comma", loc_at(comma),
            fmt::format("a comma must be followed by another {}, but this one is followed by {}", list.element,
                        found_at(at)),
            list_ended ? fmt::format("remove the comma after {}", list.last) : std::string());
      return true;
    }
    return false;
  }

  // `cites telegram s1, memo s2`: citations are not a list; each one starts with `cites`.
  bool citation_comma_error(const char* at) {
    if (at >= end_ || *at != ',') return false;
    std::string_view head = statement_head(at);
    if (head.rfind("cites ", 0) != 0) return false;
    const char* rest = at + 1;
    while (rest < end_ && (*rest == ' ' || *rest == '\t')) ++rest;
    const char* stop = rest;
    while (stop < end_ && *stop != '\n' && *stop != '\r' && *stop != '#') ++stop;
    while (stop > rest && (stop[-1] == ' ' || stop[-1] == '\t')) --stop;
    std::string next(rest, stop);
    std::string hint = "remove the comma";
    if (!next.empty() && is_ident(next[0]) && !is_keyword(word_at(rest)))
      hint = utf8_length(next) <= 80 ? fmt::format("remove the comma and write `cites {}` on a line of its own", next)
                                     : "remove the comma and start the next citation with `cites` on a line of its own";
    error("parse.comma-between-citations", loc_at(at),
          "citations are not separated by commas: each citation starts with its own `cites`", std::move(hint));
    return true;
  }

  // A date not written YYYY-MM-DD, such as `1956-2-10` or `10-02-1956`: the parts and their
  // digits, when `p` starts three groups of digits joined by `-`.
  struct DateParts {
    std::string_view year, month, day;
    const char* end = nullptr;
  };
  std::optional<DateParts> date_like_at(const char* p) const {
    std::string_view parts[3];
    for (int i = 0; i < 3; ++i) {
      if (i > 0) {
        if (p >= end_ || *p != '-') return std::nullopt;
        ++p;
      }
      const char* start = p;
      while (p < end_ && *p >= '0' && *p <= '9') ++p;
      if (p == start) return std::nullopt;
      parts[i] = std::string_view(start, static_cast<std::size_t>(p - start));
    }
    if (p < end_ && is_ident(*p)) return std::nullopt;
    return DateParts{parts[0], parts[1], parts[2], p};
  }

  bool date_format_error(const std::string& which, const char* at) {
    if (which.find("a date") == std::string::npos && which != "a value or a fact" && which != "a condition")
      return false;
    auto date = at < end_ ? date_like_at(at) : std::nullopt;
    if (!date) return false;
    auto two = [](std::string_view digits) {
      std::string out(digits.size() < 2 ? 2 - digits.size() : 0, '0');
      out.append(digits);
      return out;
    };
    std::string year(date->year), month(date->month), day(date->day);
    // Day first (`10-02-1956`): the year is the last part.
    bool day_first = date->year.size() <= 2 && date->day.size() == 4;
    if (day_first) std::swap(year, day);
    std::string hint;
    if (year.size() == 4 && month.size() <= 2 && day.size() <= 2)
      hint = fmt::format("write `{}-{}-{}`", year, two(month), two(day));
    std::string text(at, date->end);
    std::string message =
        day_first ? fmt::format("`{}` is not written as a date: dates are written YYYY-MM-DD, year first", text)
        : year.size() != 4
            ? fmt::format("`{}` is not written as a date: dates are written YYYY-MM-DD, with a four-digit year", text)
            : fmt::format("`{}` is not written as a date: dates are written YYYY-MM-DD, with a two-digit month "
                          "and day",
                          text);
    error("parse.date-format", loc_at(at, static_cast<std::size_t>(date->end - at)), std::move(message),
          std::move(hint));
    return true;
  }

  // Enumeration values written as strings: `fact request: "return" | "stay"`.
  bool quoted_values_error(const std::string& which, const char* at) {
    bool wants_values = which.rfind("a type (", 0) == 0 || which == "values separated by `|`";
    if (!wants_values || at >= end_ || *at != '"') return false;
    // The strings joined by `|` from `at`, and the names they would be without quotes.
    std::vector<std::string> names;
    const char* p = at;
    const char* last = at;
    for (;;) {
      if (p >= end_ || *p != '"') break;
      const char* q = p + 1;
      // Runs of characters other than letters, digits and `_` become one `_` between words.
      std::string name;
      bool gap = false;
      while (q < end_ && *q != '"' && *q != '\n') {
        if (*q == '\\' && q + 1 < end_) ++q;
        if (!is_ident(*q)) {
          gap = !name.empty();
        } else {
          if (gap) name += '_';
          gap = false;
          name += *q;
        }
        ++q;
      }
      if (q >= end_ || *q != '"') break;
      last = q + 1;
      names.push_back(std::move(name));
      p = skip_blank(last);
      if (p >= end_ || *p != '|') break;
      p = skip_blank(p + 1);
    }
    if (names.size() < 2) return false;
    std::string corrected;
    for (auto& n : names) {
      bool valid = !n.empty() && !(n[0] >= '0' && n[0] <= '9') && !is_keyword(n);
      if (!valid) return false;
      corrected += corrected.empty() ? n : " | " + n;
    }
    std::string lead = previous_token(at) == ":" ? std::string(statement_head(at)) : std::string();
    error("parse.quoted-values", loc_at(at, static_cast<std::size_t>(last - at)),
          "enumeration values are bare names, not strings: write them without quotes",
          fmt::format("write `{}{}`", lead, corrected));
    return true;
  }

  // The start of the line that holds `p` up to `p` (blanks trimmed): `fact request: `.
  std::string_view statement_head(const char* p) const {
    const char* line_start = p;
    while (line_start > begin_ && line_start[-1] != '\n') --line_start;
    while (line_start < p && (*line_start == ' ' || *line_start == '\t')) ++line_start;
    return std::string_view(line_start, static_cast<std::size_t>(p - line_start));
  }

  // Signs from other languages and word processors, where the grammar expected something else.
  std::string foreign_hint(const char* at) const {
    std::string_view rest(at, static_cast<std::size_t>(end_ - at));
    auto starts = [&](std::string_view s) { return rest.substr(0, s.size()) == s; };
    if (starts("&&")) return "conditions are joined with the word `and`, not `&&`";
    if (starts("||")) return "conditions are joined with the word `or`, not `||`";
    if (starts("==")) return "equality is written `is` for a value (`friends_position is agree`) or a single `=`";
    if (starts("!") && !starts("!=")) return "a condition is negated with the word `not`: `not soviet_citizen`";
    for (std::string_view q : {"\u201C", "\u201D", "\u201E", "\u2018", "\u2019", "\u00AB", "\u00BB"})
      if (starts(q))
        return fmt::format("`{}` looks like a quote but is not one: strings are written between straight quotes "
                           "`\"` (a word processor replaces them; use a plain-text editor)",
                           q);
    if (!rest.empty() && static_cast<unsigned char>(rest[0]) >= 0x80)
      return "names hold only the ASCII letters a-z and A-Z, digits and `_`, starting with a letter or `_`; "
             "write the name without accents and put the words in the description string";
    return {};
  }

  // A name where a quoted title or description belongs: `rule grant Grant the return:`.
  std::string unquoted_title_hint(const std::string& which, const char* at) const {
    if (which != "a quoted string" && which != "`:`" && which != "a header line") return {};
    if (at >= end_ || !is_ident(*at) || is_keyword(word_at(at))) return {};
    const char* stop = at;
    while (stop < end_ && *stop != '\n' && *stop != ':' && *stop != '#') ++stop;
    std::string words(at, stop);
    while (!words.empty() && (words.back() == ' ' || words.back() == '\r')) words.pop_back();
    if (words.find(' ') == std::string::npos) return {};
    return fmt::format("a title is written in quotes: `\"{}\"`", shorten(words));
  }

  std::string hint_for(const std::string& which, const std::string& prev, const char* at) const {
    if (auto foreign = foreign_hint(at); !foreign.empty()) return foreign;
    if (auto title = unquoted_title_hint(which, at); !title.empty()) return title;
    std::string word = at < end_ && is_ident(*at) ? word_at(at) : std::string();
    if (which == "a name" && is_keyword(word))
      return fmt::format("`{}` is a reserved word of the language; choose another name", word);
    if (which == "a value or a fact" && prev == "=" && at < end_ && *at == '=')
      return "equality is written with a single `=`";
    if (which == "`then`")
      return "a rule reads `rule NAME: when CONDITION then CONCLUSION`; `then` and at least one conclusion are required";
    if (which == "a condition" && (word == "then" || word == "cites" || at >= end_))
      return fmt::format("`{}` must be followed by a condition, such as `friends_agree` or `request is return_to_ussr`",
                         prev);
    if (which == "`)`") return "every `(` needs a matching `)`";
    if (which == "`:`" && (word == "when" || word == "then" || word == "exception"))
      return "a rule's name (and title) end with a colon: `rule NAME \"Title\":`";
    if (which.find("a value") != std::string::npos && word.empty() && at < end_ && *at == '"')
      return "enumeration values are names, written without quotes: `friends_position is object`";
    if (which.rfind("a type (", 0) == 0 && at < end_ && *at == '"')
      return "the type comes before the description: `fact NAME: TYPE \"description\"`; enumeration values are "
             "names, written without quotes";
    if (which == "values separated by `|`" && at < end_ && *at == '"')
      return "values are names, written without quotes: `a | b`";
    return {};
  }

  // ---- Soft failures at the start of an item.

  void item_error(const char* at) {
    if (stray_paren_error("an item", at) || citation_comma_error(at)) return;
    std::string word = at < end_ && is_ident(*at) ? word_at(at) : std::string();
    std::string found = found_at(at);
    std::string hint;
    if (word == "owe" || word == "flag") {
      hint = "is this a conclusion of the rule above? Separate a rule's conclusions with commas";
    } else if (word == "when" || word == "then" || word == "cites" || word == "exception") {
      hint = fmt::format("`{}` belongs inside a rule or definition; is the line that starts it missing or broken?", word);
    } else if (word == "policy") {
      hint = "a file holds one policy; to build on another, use `extends` in the header";
    } else if (word == "scope" || word == "status" || word == "source" || word == "until") {
      hint = fmt::format("`{}` is a line of the header: move it up, before the first item", word);
    } else if (!word.empty()) {
      std::vector<std::string> candidates(kItemKeywords.begin(), kItemKeywords.end());
      candidates.insert(candidates.end(), {"policy", "source", "status", "until", "scope"});
      auto near = nearest_name(word, candidates);
      if (!near.empty()) hint = fmt::format("did you mean `{}`?", near);
      const char* after = skip_blank(at + word.size());
      if (near.empty() && after < end_ && *after == '=')
        hint = "a conclusion outside a rule; separate a rule's conclusions with commas";
    }
    error("parse.expected-item", loc_at(at, std::min<std::size_t>(token_length(at), 200)),
          fmt::format("expected an item (`fact`, `define`, `decision`, `rule`, `type`, `authority`, "
                      "`obligation` or `flag`), found {}",
                      found),
          std::move(hint));
  }

  // After an error: the start of the next line that begins an item, or the end.
  const char* resync(const char* p) const {
    while (p < end_) {
      while (p < end_ && *p != '\n') ++p;
      if (p == end_) break;
      ++p;
      const char* q = p;
      while (q < end_ && (*q == ' ' || *q == '\t')) ++q;
      std::string word = q < end_ && is_ident(*q) ? word_at(q) : std::string();
      bool item_word = std::find(kItemKeywords.begin(), kItemKeywords.end(), word) != kItemKeywords.end();
      // An indented `flag` is more likely a conclusion than a declaration.
      if (item_word && (q == p || word != "flag")) return q;
    }
    return end_;
  }

  // ---- Header and items.

  template <typename Rule, typename Attr>
  bool parse_one(const char*& first, const Rule& rule, Attr& attr, bool& expectation_failed) {
    expectation_failed = false;
    try {
      return x3::phrase_parse(first, end_, x3::with<grammar::state_tag>(state_)[rule], grammar::skipper, attr);
    } catch (const x3::expectation_failure<iterator_type>& e) {
      expectation_error(e.which(), e.where());
      first = e.where();
      expectation_failed = true;
      return false;
    }
  }

  bool parse_header(ast::Header& header) {
    const char* first = begin_;
    const char* at = skip_blank(first);
    if (at == end_) {
      SourceLoc loc = loc_at(at);
      if (file_.text().empty()) loc = loc_at(begin_);
      error("parse.empty", loc,
            file_.text().empty() ? "the file is empty; a policy starts with `policy NAME \"Title\"`"
                                 : "the file holds no policy, only blanks and comments; a policy starts with "
                                   "`policy NAME \"Title\"`");
      position_ = end_;
      return false;
    }
    bool expectation_failed = false;
    item_start_ = first;
    if (parse_one(first, grammar::header_rule(), header, expectation_failed)) {
      position_ = first;
      if (header.title.empty()) unquoted_header_title(header);
      return true;
    }
    if (!expectation_failed) {
      std::string word = is_ident(*at) ? word_at(at) : std::string();
      auto near = nearest_name(word, {"policy"});
      error("parse.expected-header", loc_at(at, std::min<std::size_t>(token_length(at), 200)),
            fmt::format("expected `policy` at the start of the file, found {}", found_at(at)),
            !near.empty() ? "did you mean `policy`?"
                          : "a policy file starts with its header: `policy NAME \"Title\"`");
      first = at;
    }
    // Resume at the first item so its own errors are reported too.
    position_ = resync(first);
    if (position_ < end_ && word_at(position_) == "policy") position_ = resync(position_);
    return false;
  }

  // Words after the policy's name on its line, where the quoted title belongs:
  // `policy telegram_1956 Telegram to the Soviet ambassador`. Said as such (not as an item that
  // cannot start there), and parsing resumes at the next item.
  void unquoted_header_title(const ast::Header& header) {
    const char* after_name = begin_ + header.name.loc.offset + header.name.text.size();
    const char* at = after_name;
    while (at < end_ && (*at == ' ' || *at == '\t')) ++at;
    if (at != skip_blank(position_) || at >= end_) return;
    const bool word = is_ident(*at) && !is_keyword(word_at(at));
    std::string hint = foreign_hint(at);
    if (!word && hint.empty()) return;
    if (hint.empty()) {
      const char* stop = at;
      while (stop < end_ && *stop != '\n' && *stop != '#') ++stop;
      std::string words(at, stop);
      while (!words.empty() && (words.back() == ' ' || words.back() == '\t' || words.back() == '\r')) words.pop_back();
      hint = fmt::format("a title is written in quotes: `policy {} \"{}\"`", header.name.text, shorten(words));
    }
    error("parse.expected", loc_at(at, std::min<std::size_t>(token_length(at), 200)),
          fmt::format("expected the policy's title, a quoted string, after `{}`, found {}", header.name.text,
                      found_at(at)),
          std::move(hint));
    position_ = resync(at);
  }

  void parse_items(std::vector<ast::Item>& items) {
    const char* first = position_;
    for (;;) {
      first = skip_blank(first);
      if (first >= end_) return;
      ast::Item item;
      bool expectation_failed = false;
      const char* start = first;
      item_start_ = start;
      if (parse_one(first, grammar::item_rule(), item, expectation_failed)) {
        items.push_back(std::move(item));
        continue;
      }
      if (!expectation_failed) {
        item_error(start);
        first = start;
      }
      first = resync(std::max(first, start));
    }
  }

  SourceFile file_;
  ParseLimits limits_;
  const char* begin_ = nullptr;
  const char* end_ = nullptr;
  const char* position_ = nullptr;
  const char* item_start_ = nullptr;  // where the header or item being parsed starts
  std::vector<Diagnostic> diagnostics_;
  grammar::ParseState state_;
};

}  // namespace

ParseResult parse(std::string_view source, const std::string& file, const ParseLimits& limits) {
  return Driver(source, file, limits).run();
}

}  // namespace decree::dsl
