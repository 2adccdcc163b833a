#include "engine/render_jsonl.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/writer.h>

#include "engine/explain/because.hpp"
#include "engine/history.hpp"
#include "engine/explain/outcome.hpp"
#include "engine/version.hpp"
#include "engine/trace.hpp"
#include "engine/versions.hpp"

namespace decree::engine {

namespace {

std::uint64_t load8(const char* s) {
  std::uint64_t x;
  std::memcpy(&x, s, 8);
  return x;
}
std::uint32_t load4(const char* s) {
  std::uint32_t x;
  std::memcpy(&x, s, 4);
  return x;
}

// Whether none of the eight bytes of `x` is below 0x20, a `"` or a `\` (Mycroft's test for a
// zero byte, after an xor for the two characters: exact for "any").
bool plain_word(std::uint64_t x) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  const std::uint64_t quote = x ^ (ones * '"');
  const std::uint64_t backslash = x ^ (ones * '\\');
  return ((((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & highs) == 0;
}

// True when `s` can stand between quotes as it is: no control character (below 0x20), no `"`
// and no `\`. RapidJSON writes every other byte (UTF-8 included) unchanged, so for such a string
// its escaping is a copy. Eight bytes at a time, the last eight (or two fours) overlapping what
// came before: a trace is mostly short names and values that need no escape.
bool plain(const char* s, std::size_t n) {
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8)
      if (!plain_word(load8(s + i))) return false;
    return plain_word(load8(s + n - 8));
  }
  if (n >= 4) return plain_word(static_cast<std::uint64_t>(load4(s)) << 32 | load4(s + n - 4));
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\') return false;
  }
  return true;
}

// Whether `s` has no control character and no `\`: its only bytes to escape, if any, are `"`
// (the quotes around a description in a because-sentence), each written `\"` as RapidJSON's
// Writer writes it.
bool quotes_only(const char* s, std::size_t n) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const std::uint64_t x = load8(s + i);
    const std::uint64_t backslash = x ^ (ones * '\\');
    if (((((x - ones * 0x20) & ~x) | ((backslash - ones) & ~backslash)) & highs) != 0) return false;
  }
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '\\') return false;
  }
  return true;
}

// memcpy for the short strings a trace is made of, without a call for each (the longer ones
// are left to memcpy).
void copy(char* out, const char* s, std::size_t n) {
  if (n > 16) {
    std::memcpy(out, s, n);
  } else if (n >= 8) {
    const std::uint64_t head = load8(s), tail = load8(s + n - 8);
    std::memcpy(out, &head, 8);
    std::memcpy(out + n - 8, &tail, 8);
  } else if (n >= 4) {
    const std::uint32_t head = load4(s), tail = load4(s + n - 4);
    std::memcpy(out, &head, 4);
    std::memcpy(out + n - 4, &tail, 4);
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = s[i];
  }
}

// RapidJSON's writer, compact or indented, with strings that need no escaping copied in one go
// (Base::String escapes and writes byte by byte), and in the compact one strings whose only bytes
// to escape are quotes copied run by run; others are left to Base::String. The output is the
// same byte for byte. The compact writer also writes a value's separator (`,` or `:`, as
// Base::Prefix chooses it from RapidJSON's own stack of levels) with the value, in one Push;
// the indented one leaves separators and indentation to Base::PrettyPrefix.
template <class Base>
class FastWriter : public Base {
  static constexpr bool kPretty = std::is_base_of_v<rapidjson::PrettyWriter<rapidjson::StringBuffer>, Base>;

 public:
  using Base::Base;
  using Base::Bool;
  using Base::Key;
  using Base::Null;
  using Base::String;

  bool String(const char* s, rapidjson::SizeType n, bool copy = false) {
    if (plain(s, n)) return quoted(s, n);
    if constexpr (!kPretty)
      if (quotes_only(s, n)) return escaped_quotes(s, n);
    return Base::String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy = false) { return String(s, n, copy); }
  bool String(const char* s) { return String(s, static_cast<rapidjson::SizeType>(std::strlen(s))); }
  // A key the program spells (a literal), known to need no escaping.
  bool PlainKey(const char* s, rapidjson::SizeType n) { return quoted(s, n); }

  // A member of the object being written, `"key":"value"`, its separator included, in one push:
  // the key is a literal (no escape); `value` is scanned unless `checked` (a word the program
  // spells, like "true" or "decided"); a value to escape is left to Base::String.
  bool Member(const char* key, std::size_t kn, const char* s, std::size_t n, bool checked = false) {
    if constexpr (kPretty) {
      PlainKey(key, static_cast<rapidjson::SizeType>(kn));
      return String(s, static_cast<rapidjson::SizeType>(n));
    } else {
      if (!checked && !plain(s, n)) {
        PlainKey(key, static_cast<rapidjson::SizeType>(kn));
        if (quotes_only(s, n)) return escaped_quotes(s, n);
        return Base::String(s, static_cast<rapidjson::SizeType>(n));
      }
      char* out = member_key(key, kn, n + 2);
      out[0] = '"';
      copy(out + 1, s, n);
      out[n + 1] = '"';
      return true;
    }
  }
  // `"key":text`, `text` a literal JSON value (null, true, false).
  bool MemberLiteral(const char* key, std::size_t kn, const char* text, std::size_t n) {
    if constexpr (kPretty) {
      PlainKey(key, static_cast<rapidjson::SizeType>(kn));
      return Base::RawValue(text, n, rapidjson::kNullType);
    } else {
      copy(member_key(key, kn, n), text, n);
      return true;
    }
  }

  // `"key":[` or `"key":{` in one push, and the new level on RapidJSON's stack, as PlainKey then
  // StartArray or StartObject would write and push them.
  bool MemberOpen(const char* key, std::size_t kn, bool array) {
    if constexpr (kPretty) {
      PlainKey(key, static_cast<rapidjson::SizeType>(kn));
      return array ? Base::StartArray() : Base::StartObject();
    } else {
      *member_key(key, kn, 1) = array ? '[' : '{';
      new (this->level_stack_.template Push<typename Base::Level>()) typename Base::Level(array);
      return true;
    }
  }

  // How many bytes are written so far.
  std::size_t Size() const { return this->os_->GetSize(); }
  // Where the value written from `before` on begins, past the separator written before it.
  std::size_t ValueStart(std::size_t before) const {
    const char c = this->os_->stack_.template Bottom<char>()[before];
    return c == ',' || c == ':' ? before + 1 : before;
  }
  // The `n` bytes at `at`, a whole value written before into the same buffer, written again
  // after the separator this place needs (the compact writer only).
  bool Repeat(std::size_t at, std::size_t n) {
    static_assert(!kPretty, "an indented value is indented for where it stands");
    const char sep = separator();
    char* out = this->os_->Push(n + (sep != 0 ? 1 : 0));
    if (sep != 0) *out++ = sep;
    std::memcpy(out, this->os_->stack_.template Bottom<char>() + at, n);  // after Push: it may move the buffer
    return this->EndValue(true);
  }

  // `{` and `[` after their separator, in one push, and the level on RapidJSON's stack; `}` and
  // `]` and the level taken off, as Base writes them (the indented writer leaves them to Base).
  bool StartObject() {
    if constexpr (kPretty) return Base::StartObject();
    else return open('{', false);
  }
  bool StartArray() {
    if constexpr (kPretty) return Base::StartArray();
    else return open('[', true);
  }
  bool EndObject(rapidjson::SizeType members = 0) {
    if constexpr (kPretty) return Base::EndObject(members);
    else return close('}');
  }
  bool EndArray(rapidjson::SizeType elements = 0) {
    if constexpr (kPretty) return Base::EndArray(elements);
    else return close(']');
  }

  bool Null() {
    if constexpr (kPretty) return Base::Null();
    else return literal("null", 4);
  }
  bool Bool(bool b) {
    if constexpr (kPretty) return Base::Bool(b);
    else return b ? literal("true", 4) : literal("false", 5);
  }

 private:
  // The separator Base::Prefix would write before the next value (0 for none), the level's
  // count of values advanced as Prefix advances it.
  char separator() {
    if (this->level_stack_.GetSize() == 0) {
      this->hasRoot_ = true;
      return 0;
    }
    auto* level = this->level_stack_.template Top<typename Base::Level>();
    char sep = 0;
    if (level->valueCount > 0) sep = level->inArray || level->valueCount % 2 == 0 ? ',' : ':';
    ++level->valueCount;
    return sep;
  }

  // The separator before a key and its value written together (inside an object, as the key's
  // Prefix would choose it), the level's count advanced past both.
  char member_separator() {
    auto* level = this->level_stack_.template Top<typename Base::Level>();
    const char sep = level->valueCount > 0 ? ',' : 0;
    level->valueCount += 2;
    return sep;
  }

  // What every member begins with, `,"key":` (its separator when it is not the first), pushed
  // with room for `n` bytes of its value after it: where the value goes.
  char* member_key(const char* key, std::size_t kn, std::size_t n) {
    const char sep = member_separator();
    char* out = this->os_->Push(kn + n + 3 + (sep != 0 ? 1 : 0));
    if (sep != 0) *out++ = sep;
    out[0] = '"';
    copy(out + 1, key, kn);
    out[kn + 1] = '"';
    out[kn + 2] = ':';
    return out + kn + 3;
  }

  // `s` between quotes, each `"` in it written `\"`, after its separator: room for the worst
  // case is pushed, and what is left of it popped.
  bool escaped_quotes(const char* s, std::size_t n) {
    const char sep = separator();
    const std::size_t room = 2 * n + 2 + (sep != 0 ? 1 : 0);
    char* const start = this->os_->Push(room);
    char* out = start;
    if (sep != 0) *out++ = sep;
    *out++ = '"';
    const char* const end = s + n;
    while (s < end) {
      const char* q = static_cast<const char*>(std::memchr(s, '"', static_cast<std::size_t>(end - s)));
      const char* run_end = q != nullptr ? q : end;
      std::memcpy(out, s, static_cast<std::size_t>(run_end - s));
      out += run_end - s;
      if (q == nullptr) break;
      *out++ = '\\';
      *out++ = '"';
      s = q + 1;
    }
    *out++ = '"';
    this->os_->Pop(room - static_cast<std::size_t>(out - start));
    return this->EndValue(true);
  }

  bool open(char bracket, bool array) {
    const char sep = separator();
    char* out = this->os_->Push(sep != 0 ? 2 : 1);
    if (sep != 0) *out++ = sep;
    *out = bracket;
    new (this->level_stack_.template Push<typename Base::Level>()) typename Base::Level(array);
    return true;
  }
  bool close(char bracket) {
    this->level_stack_.template Pop<typename Base::Level>(1);
    *this->os_->Push(1) = bracket;
    return this->EndValue(true);
  }

  // `text` (n bytes), after its separator.
  bool literal(const char* text, std::size_t n) {
    const char sep = separator();
    char* out = this->os_->Push(n + (sep != 0 ? 1 : 0));
    if (sep != 0) *out++ = sep;
    copy(out, text, n);
    return this->EndValue(true);
  }

  bool quoted(const char* s, std::size_t n) {
    char sep = 0;
    if constexpr (kPretty) this->PrettyPrefix(rapidjson::kStringType);
    else sep = separator();
    char* out = this->os_->Push(n + 2 + (sep != 0 ? 1 : 0));
    if (sep != 0) *out++ = sep;
    out[0] = '"';
    copy(out + 1, s, n);
    out[n + 1] = '"';
    return this->EndValue(true);
  }
};

using Writer = FastWriter<rapidjson::Writer<rapidjson::StringBuffer>>;
using PrettyWriter = FastWriter<rapidjson::PrettyWriter<rapidjson::StringBuffer>>;

// How deep definitions are opened inside a condition, as in the text and JSON traces.
constexpr int kDefinitionDepth = 3;

template <class W>
void str(W& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
// A key written as a literal, its length known without counting (RapidJSON's Key(const char*)
// counts it byte by byte, and a trace writes some forty keys a case).
template <class W, std::size_t N>
void key(W& w, const char (&k)[N]) { w.PlainKey(k, static_cast<rapidjson::SizeType>(N - 1)); }
template <class W>
void key(W& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
// `"k":"v"` in an object (`v` scanned for escapes), `"k":"word"` for a word the program spells
// (to_string of a state), `"k":null`, `"k":true|false`.
template <class W, std::size_t N>
void member(W& w, const char (&k)[N], std::string_view v) { w.Member(k, N - 1, v.data(), v.size()); }
template <class W, std::size_t N>
void member_word(W& w, const char (&k)[N], std::string_view v) { w.Member(k, N - 1, v.data(), v.size(), true); }
template <class W, std::size_t N>
void member_null(W& w, const char (&k)[N]) { w.MemberLiteral(k, N - 1, "null", 4); }
template <class W, std::size_t N>
void member_bool(W& w, const char (&k)[N], bool b) {
  if (b) w.MemberLiteral(k, N - 1, "true", 4);
  else w.MemberLiteral(k, N - 1, "false", 5);
}
// `"k":[` and `"k":{`: a key and the array or object that follows it.
template <class W, std::size_t N>
void open_array(W& w, const char (&k)[N]) { w.MemberOpen(k, N - 1, true); }
template <class W, std::size_t N>
void open_object(W& w, const char (&k)[N]) { w.MemberOpen(k, N - 1, false); }
template <class W, std::size_t N>
void member_or_null(W& w, const char (&k)[N], std::string_view v) {
  if (v.empty()) member_null(w, k);
  else member(w, k, v);
}

template <class W>
void str_or_null(W& w, std::string_view s) {
  if (s.empty()) w.Null();
  else str(w, s);
}

// "file:line", for each fact of each case: built in a buffer kept from one to the next, and
// built again only when the place is on another line or in another file (the facts of a case
// from JSON Lines or CSV share one).
std::string_view file_line(const SourceLoc& l) {
  thread_local std::string at, file;
  thread_local std::uint32_t line = 0;
  if (l.line != line || l.file != file || at.empty()) {
    file = l.file;
    line = l.line;
    at.assign(l.file);
    at += ':';
    char digits[16];
    at.append(digits, static_cast<std::size_t>(std::to_chars(digits, digits + sizeof digits, l.line).ptr - digits));
  }
  return at;
}

template <class W>
void loc(W& w, const SourceLoc& l) {
  if (l.file.empty()) w.Null();
  else if (!l.known()) str(w, l.file);
  else str(w, file_line(l));
}

// `"k":` and the place, as loc() writes it.
template <class W, std::size_t N>
void member_loc(W& w, const char (&k)[N], const SourceLoc& l) {
  if (l.file.empty()) member_null(w, k);
  else if (!l.known()) member(w, k, l.file);
  else member(w, k, file_line(l));
}

template <class W>
void value(W& w, const Value& v) {
  switch (v.kind) {
    case Value::Kind::Unknown: str(w, "unknown"); return;
    case Value::Kind::Bool: w.Bool(v.boolean); return;
    case Value::Kind::Int: w.Int64(v.integer); return;
    case Value::Kind::Date: str(w, to_string(v)); return;
    case Value::Kind::Text:
    case Value::Kind::Enum: str(w, v.text); return;
    case Value::Kind::Set: {  // a set known whole: its members; known in part: what is known of it
      const SetParts s = set_parts(v);
      auto list = [&w](const std::vector<std::string>& names) {
        w.StartArray();
        for (const auto& n : names) str(w, n);
        w.EndArray();
      };
      if (s.complete) return list(s.members);
      w.StartObject();
      key(w, "includes");
      list(s.members);
      key(w, "excludes");
      list(s.absent);
      key(w, "others");
      str(w, "unknown");
      w.EndObject();
      return;
    }
  }
  w.Null();
}

// `"k":` and the value, as value() writes it.
template <class W, std::size_t N>
void member_value(W& w, const char (&k)[N], const Value& v) {
  switch (v.kind) {
    case Value::Kind::Unknown: member_word(w, k, "unknown"); return;
    case Value::Kind::Bool: member_bool(w, k, v.boolean); return;
    case Value::Kind::Text:
    case Value::Kind::Enum: member(w, k, v.text); return;
    default:
      key(w, k);
      value(w, v);
      return;
  }
}

template <class W>
void date_range(W& w, const std::optional<ast::DateRange>& r) {
  if (!r) {
    w.Null();
    return;
  }
  w.StartObject();
  key(w, "first");
  str(w, ast::to_string(r->first));
  key(w, "last");
  str(w, ast::to_string(r->last));
  w.EndObject();
}

template <class W>
void citations(W& w, const std::vector<CompiledCitation>& cs) {
  w.StartArray();
  for (const auto& c : cs) {
    w.StartObject();
    key(w, "source");
    str(w, c.source);
    key(w, "section");
    str_or_null(w, c.section);
    key(w, "quote");
    str_or_null(w, c.quote);
    w.EndObject();
  }
  w.EndArray();
}

// The places and texts of conditions, once, in the header.
template <class W>
void condition_places(W& w, const CompiledPolicy& p, Range r) {
  w.StartArray();
  for (Index c = r.begin; c < r.end; ++c) {
    w.StartObject();
    key(w, "text");
    str(w, p.conditions[c].text);
    key(w, "at");
    loc(w, p.conditions[c].loc);
    w.EndObject();
  }
  w.EndArray();
}

template <class W>
void declarations(W& w, const std::vector<Declaration>& ds, const char* k) {
  w.StartArray();
  for (const auto& d : ds) {
    w.StartObject();
    key(w, k);
    str(w, d.name);
    key(w, "description");
    str(w, d.description);
    w.EndObject();
  }
  w.EndArray();
}

// A case's `id`, `title` and `at` (each null without a case).
template <class W>
void case_identity(W& w, const Case* c) {
  if (c == nullptr) {
    member_null(w, "id");
    member_null(w, "title");
    member_null(w, "at");
    return;
  }
  member(w, "id", c->id);
  member(w, "title", c->title);
  member_loc(w, "at", c->loc);
}

// The policy's name, title, file, status, dates, scope and sources: `policy` in both layouts.
template <class W>
void policy_object(W& w, const CompiledPolicy& p) {
  w.StartObject();
  key(w, "name");
  str(w, p.name);
  key(w, "title");
  str(w, p.title);
  key(w, "file");
  str(w, p.file);
  key(w, "status");
  str(w, p.status);
  key(w, "in_force_from");
  date_range(w, p.in_force_from);
  key(w, "in_force_until");
  date_range(w, p.in_force_until);
  key(w, "end");
  date_range(w, p.in_force_until);
  key(w, "end_assumed");
  if (end_assumed(p.status, p.in_force_until)) str(w, "still in force");
  else w.Null();
  key(w, "in_force");
  str(w, in_force_words(p.status, p.in_force_from, p.in_force_until));
  key(w, "scope");
  if (p.scope == kNone) w.Null();
  else str(w, p.scope_text);
  key(w, "sources");
  w.StartArray();
  for (const auto& s : p.sources) {
    w.StartObject();
    key(w, "key");
    str(w, s.key);
    key(w, "description");
    str(w, s.description);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

template <class W>
void write_header(W& w, const CompiledPolicy& p, bool brief) {
  w.StartObject();
  key(w, "schema");
  w.String(kJsonlSchema);
  key(w, "generator");
  w.String(generator());
  key(w, "brief");
  w.Bool(brief);

  key(w, "policy");
  policy_object(w, p);

  key(w, "facts");
  w.StartArray();
  for (const auto& f : p.facts) {
    w.StartObject();
    key(w, "fact");
    str(w, f.name);
    key(w, "description");
    str(w, f.description);
    key(w, "type");
    w.String(dsl::kind_name(f.type.kind));
    if (f.type.kind == dsl::FactType::Kind::Enum || f.type.kind == dsl::FactType::Kind::Set) {
      key(w, "values");
      w.StartArray();
      for (const auto& v : f.type.values) str(w, v);
      w.EndArray();
    }
    key(w, "at");
    loc(w, f.loc);
    w.EndObject();
  }
  w.EndArray();

  key(w, "decisions");
  w.StartArray();
  for (const auto& d : p.decisions) {
    w.StartObject();
    key(w, "decision");
    str(w, d.name);
    key(w, "title");
    str(w, d.title);
    key(w, "values");
    w.StartArray();
    for (const auto& v : d.values) str(w, v);
    w.EndArray();
    key(w, "default");
    if (d.default_value == kNone) w.Null();
    else str(w, d.values[d.default_value]);
    key(w, "at");
    loc(w, d.loc);
    key(w, "applies_conditions");
    condition_places(w, p, d.applies_conditions);
    key(w, "citations");
    citations(w, d.cites);
    w.EndObject();
  }
  w.EndArray();

  key(w, "rules");
  w.StartArray();
  for (const auto& r : p.rules) {
    w.StartObject();
    key(w, "rule");
    str(w, r.name);
    key(w, "title");
    str(w, r.title);
    key(w, "at");
    loc(w, r.loc);
    key(w, "sets");
    w.StartArray();
    for (Index s = r.settings.begin; s < r.settings.end; ++s) {
      const Setting& set = p.settings[s];
      w.StartObject();
      key(w, "decision");
      str(w, p.decisions[set.decision].name);
      key(w, "value");
      str(w, p.decisions[set.decision].values[set.value]);
      key(w, "by");
      if (set.by == kNone) w.Null();
      else str(w, p.authorities[set.by].name);
      w.EndObject();
    }
    w.EndArray();
    auto raisings = [&](Range range, const std::vector<Raising>& all, const std::vector<Declaration>& decls,
                        const char* k) {
      w.StartArray();
      for (Index i = range.begin; i < range.end; ++i) {
        w.StartObject();
        key(w, k);
        str(w, decls[all[i].what].name);
        key(w, "detail");
        str_or_null(w, all[i].detail);
        w.EndObject();
      }
      w.EndArray();
    };
    key(w, "owes");
    raisings(r.owes, p.owes, p.obligations, "obligation");
    key(w, "raises");
    raisings(r.raises, p.raises, p.flags, "flag");
    key(w, "exception_to");
    w.StartArray();
    for (Index e : r.exception_to) str(w, p.rules[e].name);
    w.EndArray();
    key(w, "conditions");
    condition_places(w, p, r.conditions);
    key(w, "citations");
    citations(w, r.cites);
    w.EndObject();
  }
  w.EndArray();

  key(w, "definitions");
  w.StartArray();
  for (const auto& d : p.definitions) {
    w.StartObject();
    key(w, "definition");
    str(w, d.name);
    key(w, "title");
    str(w, d.title);
    key(w, "at");
    loc(w, d.loc);
    key(w, "conditions");
    condition_places(w, p, d.conditions);
    key(w, "citations");
    citations(w, d.cites);
    w.EndObject();
  }
  w.EndArray();

  key(w, "authorities");
  declarations(w, p.authorities, "authority");
  key(w, "obligations");
  declarations(w, p.obligations, "obligation");
  key(w, "flags");
  declarations(w, p.flags, "flag");
  w.EndObject();
}

// A JSON value made by another part of the program (a case's history, the cited texts) written
// into the stream as the writer's own, so it is indented with the rest.
template <class W>
void emit(W& w, const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::null: w.Null(); return;
    case nlohmann::ordered_json::value_t::boolean: w.Bool(j.get<bool>()); return;
    case nlohmann::ordered_json::value_t::number_integer: w.Int64(j.get<std::int64_t>()); return;
    case nlohmann::ordered_json::value_t::number_unsigned: w.Uint64(j.get<std::uint64_t>()); return;
    case nlohmann::ordered_json::value_t::number_float: w.Double(j.get<double>()); return;
    case nlohmann::ordered_json::value_t::string: str(w, j.get_ref<const std::string&>()); return;
    case nlohmann::ordered_json::value_t::array:
      w.StartArray();
      for (const auto& e : j) emit(w, e);
      w.EndArray();
      return;
    case nlohmann::ordered_json::value_t::object:
      w.StartObject();
      for (const auto& [k, v] : j.items()) {
        str(w, k);
        emit(w, v);
      }
      w.EndObject();
      return;
    default: w.Null(); return;
  }
}

// Which of the policy's texts that every case's trace repeats need no escaping, found once for
// the policy: those are written without being scanned again, case after case.
struct PlainTexts {
  bool names = false;              // every fact, definition, rule, decision, value and authority name and title
  std::vector<char> conditions;    // by condition: its text
  explicit PlainTexts(const CompiledPolicy& p) : conditions(p.conditions.size(), 0) {
    auto ok = [](const std::string& t) { return plain(t.data(), t.size()); };
    names = ok(p.scope_text);
    for (const auto& f : p.facts) names = names && ok(f.name);
    for (const auto& d : p.definitions) names = names && ok(d.name) && ok(d.title);
    for (const auto& r : p.rules) names = names && ok(r.name) && ok(r.title);
    for (const auto& a : p.authorities) names = names && ok(a.name);
    for (const auto& d : p.decisions) {
      names = names && ok(d.name) && ok(d.title);
      for (const auto& v : d.values) names = names && ok(v);
    }
    for (std::size_t c = 0; c < p.conditions.size(); ++c) conditions[c] = ok(p.conditions[c].text) ? 1 : 0;
  }
};

// What a writer of case after case keeps: the policy's PlainTexts; the outcome texts it has
// made (a handful per decision, asked for again case after case); and, while one case is
// written, where each fact's object stands in the buffer (a fact is written wherever a condition
// reads it, the same each time, so in the compact writer its bytes are copied from where it was
// first written).
struct Kept {
  PlainTexts plain;
  explicit Kept(const CompiledPolicy& p) : plain(p), fact_at(p.facts.size(), 0), fact_size(p.facts.size(), 0) {}

  std::vector<std::size_t> fact_at, fact_size;  // by slot, in this case (fact_size 0: not written yet)
  void next_case() { std::fill(fact_size.begin(), fact_size.end(), 0); }

  // outcome_text(p, d, r), made once for each result it is asked for.
  const std::string& outcome_text_of(const CompiledPolicy& p, Index d, const DecisionResult& r, bool& is_plain) {
    const bool conflict = r.status == Status::Conflict;  // the only text that names the rules that gave it
    const Index setting = conflict ? r.setting : kNone, other = conflict ? r.other : kNone;
    const std::size_t at = static_cast<std::size_t>(d) * kStatuses + static_cast<std::size_t>(r.status);
    if (outcome_texts.size() <= at) outcome_texts.resize(at + 1);
    std::vector<OutcomeText>& made = outcome_texts[at];
    for (const OutcomeText& t : made)
      if (t.value == r.value && t.by == r.by && t.setting == setting && t.other == other) {
        is_plain = t.plain;
        return t.text;
      }
    std::string text = outcome_text(p, d, r);
    is_plain = engine::plain(text.data(), text.size());
    if (made.size() >= kOutcomeTexts) {
      spare_text = std::move(text);
      return spare_text;
    }
    made.push_back({r.value, r.by, setting, other, is_plain, std::move(text)});
    return made.back().text;
  }

 private:
  static constexpr std::size_t kStatuses = 7;        // the values of Status
  static constexpr std::size_t kOutcomeTexts = 64;   // for one decision and status; more are made afresh each time
  struct OutcomeText {
    Index value, by, setting, other;
    bool plain;
    std::string text;
  };
  std::vector<std::vector<OutcomeText>> outcome_texts;  // by decision, then status
  std::string spare_text;
};

// Two layouts of one case. `Dictionary` (decree.jsonl/1) carries what is particular to the case
// and names the rest, whose texts the header holds; `SelfContained` (decree.trace/1) repeats the
// titles, places and citations so that each case can be read alone, with every optional field
// written as null.
enum class Layout { Dictionary, SelfContained };

// One case, fully traced, in either layout.
template <class W>
class CaseWriter {
 public:
  // `explainer`, when given, explains the case with the buffers it keeps from case to case.
  // `kept`, when given, is what the writer keeps from case to case (else the policy's texts are
  // scanned as they are written, and every text is made and every fact written afresh).
  CaseWriter(W& w, const CompiledPolicy& p, const CaseEvaluation& ev, Layout layout, CaseExplainer* explainer = nullptr,
             Kept* kept = nullptr)
      : w_(w), p_(p), ev_(ev), whole_(layout == Layout::SelfContained), kept_(kept),
        plain_(kept != nullptr ? &kept->plain : nullptr),
        explanations_(&explanations_for(p, ev, explainer, own_)) {
    if (kept_ != nullptr) kept_->next_case();
  }

  // `"k":"v"` for a name, title or value of the policy, scanned only when PlainTexts has not
  // found them all plain.
  template <std::size_t N>
  void name(const char (&k)[N], std::string_view v) {
    w_.Member(k, N - 1, v.data(), v.size(), plain_ != nullptr && plain_->names);
  }
  // outcome_word(), as a view into the policy's names.
  std::string_view outcome_word_of(Index d, const DecisionResult& r) const {
    if ((r.status == Status::Decided || r.status == Status::Defaulted) && r.value != kNone) return p_.decisions[d].values[r.value];
    return to_string(r.status);
  }

  // `"k":"text"` for the text of condition `c`.
  template <std::size_t N>
  void condition_text(const char (&k)[N], Index c) {
    const std::string& t = p_.conditions[c].text;
    w_.Member(k, N - 1, t.data(), t.size(), plain_ != nullptr && plain_->conditions[c] != 0);
  }

  void whole_case() {
    const Case* c = ev_.source;
    w_.StartObject();
    case_identity(w_, c);
    key(w_, "scope");
    scope();
    open_array(w_, "decisions");
    for (std::size_t d = 0; d < p_.decisions.size(); ++d) decision(static_cast<Index>(d));
    w_.EndArray();
    key(w_, "obligations");
    raisings(ev_.outcome.owed, p_.owes, p_.obligations, "obligation");
    key(w_, "flags");
    raisings(ev_.outcome.raised, p_.raises, p_.flags, "flag");
    if (c != nullptr && c->history) {
      key(w_, "history");
      emit(w_, history_json(p_, ev_));
    }
    w_.EndObject();
  }

  // The why-not answer's body (decree.trace/1 only): the candidate rules and why each did not give it.
  void why_not(const WhyNot& why) {
    w_.StartObject();
    key(w_, "decision");
    str(w_, p_.decisions[why.decision].name);
    key(w_, "value");
    str(w_, p_.decisions[why.decision].values[why.value]);
    open_object(w_, "actual");
    result(why.decision, why.actual);
    w_.EndObject();
    key(w_, "is_outcome");
    w_.Bool(why.is_outcome);
    key(w_, "is_default");
    w_.Bool(why.is_default);
    key(w_, "not_applicable");
    w_.Bool(why.actual.status == Status::NotApplicable);
    open_array(w_, "rules");
    for (Index s : why.settings) rule(p_.settings[s].rule, &p_.settings[s]);
    w_.EndArray();
    key(w_, "applies_failed");
    const Index failed = ev_.trace.decisions[why.decision].failed_applies;
    if (failed == kNone) w_.Null();
    else condition(failed, 0);
    w_.EndObject();
  }

 private:
  // Whether the policy addresses the case: its `scope`, and why the case is (or may be) outside.
  void scope() {
    const OutsideReason why = outside_reason(p_, ev_);
    w_.StartObject();
    if (p_.scope == kNone) member_null(w_, "condition");
    else name("condition", p_.scope_text);
    member_word(w_, "value", to_string(ev_.outcome.in_scope));
    member_word(w_, "within", why.outside ? "false" : why.maybe ? "unknown" : "true");
    if (why.outside || why.maybe) member_word(w_, "reason", why.by_scope ? "scope" : "no_decision_applies");
    else member_null(w_, "reason");
    open_array(w_, "conditions");
    for (Index c : why.conditions) condition(c, 0);
    w_.EndArray();
    open_array(w_, "facts");
    for (Index f : why.facts) fact(f);
    w_.EndArray();
    w_.EndObject();
  }

  // A fact as this case gives it, with its provenance when the case states the fact (in the
  // self-contained layout the provenance keys are always there, null when not stated).
  void fact(Index slot) {
    if constexpr (std::is_same_v<W, Writer>) {
      if (kept_ != nullptr) {
        if (kept_->fact_size[slot] != 0) {
          w_.Repeat(kept_->fact_at[slot], kept_->fact_size[slot]);
          return;
        }
        const std::size_t before = w_.Size();
        write_fact(slot);
        kept_->fact_at[slot] = w_.ValueStart(before);
        kept_->fact_size[slot] = w_.Size() - kept_->fact_at[slot];
        return;
      }
    }
    write_fact(slot);
  }

  void write_fact(Index slot) {
    w_.StartObject();
    name("fact", p_.facts[slot].name);
    member_value(w_, "value", ev_.binding.values[slot]);
    const FactValue* f = slot < ev_.binding.provenance.size() ? ev_.binding.provenance[slot] : nullptr;
    if (f != nullptr) {
      member_loc(w_, "at", f->loc);
      member_word(w_, "certainty", to_string(f->certainty));
      if (whole_ || !f->source.empty()) member_or_null(w_, "source", f->source);
      if (whole_ || !f->note.empty()) member_or_null(w_, "note", f->note);
      if (!f->household_of.empty()) member(w_, "household_of", f->household_of);
    } else if (whole_) {
      member_null(w_, "at");
      member_null(w_, "certainty");
      member_null(w_, "source");
      member_null(w_, "note");
    }
    w_.EndObject();
  }

  void definition(Index d, int depth) {
    const CompiledDefinition& def = p_.definitions[d];
    w_.StartObject();
    name("definition", def.name);
    if (whole_) name("title", def.title);
    member_word(w_, "value", to_string(ev_.trace.definitions[d]));
    if (whole_) {
      key(w_, "citations");
      citations(w_, def.cites);
    }
    if (depth < kDefinitionDepth) {
      key(w_, "conditions");
      conditions(def.conditions, depth + 1);
    }
    w_.EndObject();
  }

  void condition(Index c, int depth) {
    const Condition& cond = p_.conditions[c];
    w_.StartObject();
    condition_text("text", c);
    member_word(w_, "value", to_string(ev_.trace.conditions[c]));
    member_bool(w_, "decisive", current_ != nullptr && current_->is_decisive(c));
    if (whole_) member_loc(w_, "at", cond.loc);
    open_array(w_, "facts");
    for (Index i = cond.facts.begin; i < cond.facts.end; ++i) fact(p_.reads[i]);
    w_.EndArray();
    open_array(w_, "definitions");
    for (Index i = cond.definitions.begin; i < cond.definitions.end; ++i) definition(p_.reads[i], depth);
    w_.EndArray();
    if (!cond.decisions.empty()) {  // only in rules that follow from a decision
      open_array(w_, "decisions");
      for (Index i = cond.decisions.begin; i < cond.decisions.end; ++i) decision_read(p_.reads[i]);
      w_.EndArray();
    }
    w_.EndObject();
  }

  void conditions(Range r, int depth = 0) {
    w_.StartArray();
    for (Index c = r.begin; c < r.end; ++c) condition(c, depth);
    w_.EndArray();
  }

  // A decision as a condition reads it: its outcome, who decides, and the rule that decided.
  void decision_read(Index d) {
    const DecisionResult& r = ev_.outcome.decisions[d];
    const bool has_rule = (r.status == Status::Decided || r.status == Status::Undetermined) && r.setting != kNone;
    w_.StartObject();
    name("decision", p_.decisions[d].name);
    member_word(w_, "status", to_string(r.status));
    name("outcome", outcome_word_of(d, r));
    if (r.by == kNone) member_null(w_, "by");
    else name("by", p_.authorities[r.by].name);
    if (has_rule) name("rule", p_.rules[p_.settings[r.setting].rule].name);
    else member_null(w_, "rule");
    w_.EndObject();
  }

  // status, outcome, outcome_text, value, by, rule: what a decision and a settlement share.
  void result(Index d, const DecisionResult& r) {
    member_word(w_, "status", to_string(r.status));
    name("outcome", outcome_word_of(d, r));
    if (kept_ != nullptr) {
      bool is_plain = false;
      const std::string& text = kept_->outcome_text_of(p_, d, r, is_plain);
      w_.Member("outcome_text", 12, text.data(), text.size(), is_plain);
    } else {
      member(w_, "outcome_text", outcome_text(p_, d, r));
    }
    if (r.value == kNone) member_null(w_, "value");
    else name("value", p_.decisions[d].values[r.value]);
    if (r.by == kNone) member_null(w_, "by");
    else name("by", p_.authorities[r.by].name);
    if (r.status == Status::Decided && r.setting != kNone) name("rule", p_.rules[p_.settings[r.setting].rule].name);
    else member_null(w_, "rule");
  }

  void names(const std::vector<Index>& facts) {
    w_.StartArray();
    for (Index f : facts) str(w_, p_.facts[f].name);
    w_.EndArray();
  }

  void settlements(Index d, const std::vector<Settlement>& list) {
    w_.StartArray();
    for (const auto& s : list) {
      w_.StartObject();
      result(d, s.result);
      open_object(w_, "if");
      for (const auto& a : s.facts) {
        str(w_, p_.facts[a.fact].name);
        value(w_, a.value);
      }
      w_.EndObject();
      w_.EndObject();
    }
    w_.EndArray();
  }

  void exploration(Index d, const Exploration& ex) {
    w_.StartObject();
    key(w_, "unknowns");
    names(ex.unknowns);
    key(w_, "unexplorable");
    names(ex.unexplorable);
    key(w_, "too_many");
    w_.Bool(ex.too_many);
    key(w_, "limit");
    w_.Uint64(kMaxExploredUnknowns);
    key(w_, "single_only");
    w_.Bool(ex.single_only);
    key(w_, "needs");
    names(ex.needs);
    key(w_, "one_at_a_time");
    settlements(d, ex.single);
    key(w_, "minimal");
    settlements(d, ex.minimal);
    key(w_, "minimal_total");
    w_.Uint64(ex.minimal_total);
    w_.EndObject();
  }

  // A rule as it stood for this case; in the self-contained layout with its title, place, the
  // value it sets (`setting`), the rules it is an exception to, and its citations.
  void rule(Index r, const Setting* setting) {
    const CompiledRule& rule = p_.rules[r];
    const RuleTrace& rt = ev_.trace.rules[r];
    w_.StartObject();
    name("rule", rule.name);
    if (whole_) {
      name("title", rule.title);
      member_loc(w_, "at", rule.loc);
    }
    member_word(w_, "state", to_string(rt.state));
    member_word(w_, "when", to_string(ev_.outcome.when[r]));
    if (whole_ && setting != nullptr) {
      name("sets", p_.decisions[setting->decision].values[setting->value]);
      if (setting->by == kNone) member_null(w_, "by");
      else name("by", p_.authorities[setting->by].name);
    }
    key(w_, "conditions");
    conditions(rule.conditions);
    if (rt.failed == kNone) member_null(w_, "failed");
    else condition_text("failed", rt.failed);
    if (rt.defeated_by == kNone) member_null(w_, "defeated_by");
    else name("defeated_by", p_.rules[rt.defeated_by].name);
    if (whole_) {
      open_array(w_, "exception_to");
      for (Index e : rule.exception_to) str(w_, p_.rules[e].name);
      w_.EndArray();
      key(w_, "citations");
      citations(w_, rule.cites);
    }
    w_.EndObject();
  }

  void decision(Index d) {
    const CompiledDecision& decision = p_.decisions[d];
    const DecisionResult& res = ev_.outcome.decisions[d];
    const DecisionTrace& dt = ev_.trace.decisions[d];
    current_ = d < explanations_->size() ? &(*explanations_)[d] : nullptr;
    w_.StartObject();
    name("decision", decision.name);
    if (whole_) name("title", decision.title);
    result(d, res);
    open_array(w_, "because");
    if (current_ != nullptr)
      for (const auto& s : current_->because) str(w_, s);
    w_.EndArray();
    open_array(w_, "decisive_facts");
    if (current_ != nullptr)
      for (Index f : current_->decisive_facts) str(w_, p_.facts[f].name);
    w_.EndArray();
    member_word(w_, "applies", to_string(res.applies));
    key(w_, "applies_conditions");
    conditions(decision.applies_conditions);
    if (res.status == Status::Conflict && res.setting != kNone && res.other != kNone) {
      open_array(w_, "conflict");
      str(w_, p_.rules[p_.settings[res.setting].rule].name);
      str(w_, p_.rules[p_.settings[res.other].rule].name);
      w_.EndArray();
    }
    if (whole_) {
      if (decision.default_value == kNone) member_null(w_, "default");
      else name("default", decision.values[decision.default_value]);
    }
    member_bool(w_, "default_used", res.status == Status::Defaulted);
    open_array(w_, "rests_on");
    for (Index i = dt.rests_on.begin; i < dt.rests_on.end; ++i) fact(ev_.trace.rests_on[i]);
    w_.EndArray();
    open_array(w_, "rules");
    if (res.status != Status::NotApplicable && res.status != Status::Outside)
      for (Index s : decision.settings) rule(p_.settings[s].rule, &p_.settings[s]);
    w_.EndArray();
    key(w_, "settling");
    if (const Exploration* ex = ev_.exploration(d)) exploration(d, *ex);
    else w_.Null();
    w_.EndObject();
    current_ = nullptr;
  }

  void raisings(const std::vector<Index>& list, const std::vector<Raising>& all, const std::vector<Declaration>& decls,
                const char* k) {
    w_.StartArray();
    for (Index i : list) {
      const Raising& x = all[i];
      w_.StartObject();
      key(w_, k);
      str(w_, decls[x.what].name);
      if (whole_) {
        key(w_, "description");
        str(w_, decls[x.what].description);
        key(w_, "detail");
        str_or_null(w_, x.detail);
      }
      key(w_, "rule");
      str(w_, p_.rules[x.rule].name);
      if (whole_) {
        key(w_, "citations");
        citations(w_, p_.rules[x.rule].cites);
      }
      // A rule that follows from a decision: its conditions, the decision read among them.
      if (p_.rules[x.rule].follows_decisions) {
        key(w_, "conditions");
        conditions(p_.rules[x.rule].conditions);
      }
      w_.EndObject();
    }
    w_.EndArray();
  }

  W& w_;
  const CompiledPolicy& p_;
  const CaseEvaluation& ev_;
  const bool whole_;
  Kept* const kept_;
  const PlainTexts* const plain_;
  std::vector<DecisionExplanation> own_;
  const std::vector<DecisionExplanation>* const explanations_;  // by decision
  const DecisionExplanation* current_ = nullptr;   // the decision being written: marks its decisive conditions
};

template <class W>
void brief_case(W& w, const CompiledPolicy& p, const CaseEvaluation& ev) {
  NamedOutcome named = name_outcome(p, ev.outcome);
  w.StartObject();
  key(w, "id");
  if (ev.source != nullptr) str(w, ev.source->id);
  else w.Null();
  key(w, "decisions");
  w.StartArray();
  for (const auto& d : named.decisions) {
    w.StartObject();
    key(w, "decision");
    str(w, d.decision);
    key(w, "status");
    str(w, d.status);
    key(w, "outcome");
    str(w, d.outcome);
    key(w, "by");
    str_or_null(w, d.by);
    key(w, "rule");
    str_or_null(w, d.rule);
    w.EndObject();
  }
  w.EndArray();
  key(w, "obligations");
  w.StartArray();
  for (const auto& o : named.obligations) str(w, o);
  w.EndArray();
  key(w, "flags");
  w.StartArray();
  for (const auto& f : named.flags) str(w, f);
  w.EndArray();
  w.EndObject();
}

// One buffer and one writer, compact or indented, reused from piece to piece of the output.
struct Output {
  virtual ~Output() = default;
  virtual void policy(const CompiledPolicy& p) = 0;
  virtual void header(const CompiledPolicy& p, bool brief) = 0;
  virtual void brief(const CompiledPolicy& p, const CaseEvaluation& ev) = 0;
  // `explainer`: kept from case to case by the caller (nullptr: the case is explained alone).
  virtual void whole(const CompiledPolicy& p, const CaseEvaluation& ev, Layout layout, CaseExplainer* explainer,
                     Kept* kept) = 0;
  virtual void why_not(const CompiledPolicy& p, const CaseEvaluation& ev, const WhyNot& why) = 0;
  // The opening of a decree.trace/1 document, up to and including the `[` of its cases.
  virtual void open_document(const CompiledPolicy& p) = 0;
  // The `]` of its cases, then `sources` and `documents` when given, then its `}`.
  virtual void close_document(const nlohmann::ordered_json* sources, const nlohmann::ordered_json* documents) = 0;
  virtual void restart() = 0;  // empties the buffer; the writer goes on where it was
  virtual void reset() = 0;    // empties the buffer and starts a new JSON text
  rapidjson::StringBuffer buffer;
  std::string_view text() const { return {buffer.GetString(), buffer.GetSize()}; }
};

template <class W>
struct OutputWith final : Output {
  W w;
  OutputWith() : w(buffer) {
    if constexpr (std::is_same_v<W, PrettyWriter>) w.SetIndent(' ', 2);
  }
  void policy(const CompiledPolicy& p) override { policy_object(w, p); }
  void header(const CompiledPolicy& p, bool is_brief) override { write_header(w, p, is_brief); }
  void brief(const CompiledPolicy& p, const CaseEvaluation& ev) override { brief_case(w, p, ev); }
  void whole(const CompiledPolicy& p, const CaseEvaluation& ev, Layout layout, CaseExplainer* explainer,
             Kept* kept) override {
    CaseWriter<W>(w, p, ev, layout, explainer, kept).whole_case();
  }
  // {"schema": "decree.trace/1", "generator": ..., "policy": {...}: how each document begins.
  void opening(const CompiledPolicy& p) {
    w.StartObject();
    key(w, "schema");
    w.String(kTraceSchema);
    key(w, "generator");
    w.String(generator());
    key(w, "policy");
    policy_object(w, p);
  }
  void why_not(const CompiledPolicy& p, const CaseEvaluation& ev, const WhyNot& why) override {
    opening(p);
    const Case* c = ev.source;
    key(w, "case");
    w.StartObject();
    case_identity(w, c);
    w.EndObject();
    key(w, "why_not");
    CaseWriter<W>(w, p, ev, Layout::SelfContained).why_not(why);
    w.EndObject();
  }
  void open_document(const CompiledPolicy& p) override {
    opening(p);
    key(w, "cases");
    w.StartArray();
  }
  void close_document(const nlohmann::ordered_json* sources, const nlohmann::ordered_json* documents) override {
    w.EndArray();
    if (sources != nullptr) {
      key(w, "sources");
      emit(w, *sources);
    }
    if (documents != nullptr) {
      key(w, "documents");
      emit(w, *documents);
    }
    w.EndObject();
  }
  void restart() override { buffer.Clear(); }
  void reset() override {
    buffer.Clear();
    w.Reset(buffer);
  }
};

std::unique_ptr<Output> make_output(bool pretty) {
  if (pretty) return std::make_unique<OutputWith<PrettyWriter>>();
  return std::make_unique<OutputWith<Writer>>();
}

}  // namespace

struct JsonlWriter::State {
  const CompiledPolicy& policy;
  bool brief;
  OutputWith<Writer> out;
  CaseExplainer explainer;
  Kept kept;
  State(const CompiledPolicy& p, bool b) : policy(p), brief(b), explainer(p), kept(p) {}

  std::string_view finish() {
    out.buffer.Put('\n');
    return out.text();
  }
};

JsonlWriter::JsonlWriter(const CompiledPolicy& policy, bool brief) : state_(std::make_unique<State>(policy, brief)) {}
JsonlWriter::~JsonlWriter() = default;

std::string_view JsonlWriter::header() {
  state_->out.reset();
  state_->out.header(state_->policy, state_->brief);
  return state_->finish();
}

std::string_view JsonlWriter::line(const CaseEvaluation& ev) {
  state_->out.reset();
  if (state_->brief) state_->out.brief(state_->policy, ev);
  else state_->out.whole(state_->policy, ev, Layout::Dictionary, &state_->explainer, &state_->kept);
  return state_->finish();
}

struct TraceWriter::State {
  const CompiledPolicy& policy;
  bool brief;
  std::unique_ptr<Output> out;
  CaseExplainer explainer;
  Kept kept;
  enum class Phase { Before, Open, Closed } phase = Phase::Before;  // open(), next()..., close(), in that order
  State(const CompiledPolicy& p, bool b, bool pretty)
      : policy(p), brief(b), out(make_output(pretty)), explainer(p), kept(p) {}

  // Out of order, the document would not be JSON (and RapidJSON's writer stops the process).
  void expect(Phase now, const char* call) const {
    if (phase != now)
      throw std::logic_error(fmt::format("TraceWriter::{} called {}", call,
                                         phase == Phase::Before ? "before open()" : phase == Phase::Open ? "twice" : "after close()"));
  }
};

TraceWriter::TraceWriter(const CompiledPolicy& policy, bool brief, bool pretty)
    : state_(std::make_unique<State>(policy, brief, pretty)) {}
TraceWriter::~TraceWriter() = default;

std::string_view TraceWriter::open() {
  state_->expect(State::Phase::Before, "open()");
  state_->phase = State::Phase::Open;
  state_->out->reset();
  state_->out->open_document(state_->policy);
  return state_->out->text();
}

std::string_view TraceWriter::next(const CaseEvaluation& ev) {
  state_->expect(State::Phase::Open, "next()");
  state_->out->restart();
  if (state_->brief) state_->out->brief(state_->policy, ev);
  else state_->out->whole(state_->policy, ev, Layout::SelfContained, &state_->explainer, &state_->kept);
  return state_->out->text();
}

std::string_view TraceWriter::close(const nlohmann::ordered_json* sources, const nlohmann::ordered_json* documents) {
  state_->expect(State::Phase::Open, "close()");
  state_->phase = State::Phase::Closed;
  state_->out->restart();
  state_->out->close_document(sources, documents);
  state_->out->buffer.Put('\n');
  return state_->out->text();
}

std::string policy_json_text(const CompiledPolicy& policy) {
  OutputWith<Writer> out;
  out.policy(policy);
  return std::string(out.text());
}

std::string case_json_text(const CompiledPolicy& policy, const CaseEvaluation& ev, bool brief) {
  OutputWith<Writer> out;
  if (brief) out.brief(policy, ev);
  else out.whole(policy, ev, Layout::SelfContained, nullptr, nullptr);
  return std::string(out.text());
}

std::string case_jsonl_text(const CompiledPolicy& policy, const CaseEvaluation& ev) {
  OutputWith<Writer> out;
  out.whole(policy, ev, Layout::Dictionary, nullptr, nullptr);
  return std::string(out.text());
}

std::string why_not_json_text(const CompiledPolicy& policy, const CaseEvaluation& ev, const WhyNot& why) {
  OutputWith<Writer> out;
  out.why_not(policy, ev, why);
  return std::string(out.text());
}

}  // namespace decree::engine
