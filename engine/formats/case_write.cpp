#include "engine/formats/case_write.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <csv.h>
#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace decree::engine::formats {

std::optional<CaseFormat> case_format_of_name(const std::string& name) {
  auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".yaml") || ends(".yml")) return CaseFormat::Yaml;
  if (ends(".jsonl")) return CaseFormat::JsonLines;
  if (ends(".csv")) return CaseFormat::Csv;
  return std::nullopt;
}

std::optional<CaseFormat> case_format_named(const std::string& word) {
  if (word == "yaml") return CaseFormat::Yaml;
  if (word == "jsonl") return CaseFormat::JsonLines;
  if (word == "csv") return CaseFormat::Csv;
  return std::nullopt;
}

const char* to_string(CaseFormat f) {
  switch (f) {
    case CaseFormat::Yaml: return "yaml";
    case CaseFormat::JsonLines: return "jsonl";
    case CaseFormat::Csv: return "csv";
  }
  return "yaml";
}

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

bool has_provenance(const FactValue& f) {
  return !f.source.empty() || !f.note.empty() || f.certainty != Certainty::Unstated || f.for_household;
}

// A fact a household member takes from the head's case (`for: household` there) is written in
// the head's case only: the member's file names the household, and the loader gives it the fact.
bool taken_from_head(const FactValue& f) { return !f.household_of.empty(); }

// A value as its fact's type writes it, in JSON.
void json_value(JsonWriter& w, const Value& v) {
  switch (v.kind) {
    case Value::Kind::Unknown: w.Null(); break;
    case Value::Kind::Bool: w.Bool(v.boolean); break;
    case Value::Kind::Int: w.Int64(v.integer); break;
    case Value::Kind::Date: {
      std::string d = to_string(v);
      w.String(d.data(), static_cast<rapidjson::SizeType>(d.size()));
      break;
    }
    case Value::Kind::Text:
    case Value::Kind::Enum: w.String(v.text.data(), static_cast<rapidjson::SizeType>(v.text.size())); break;
    case Value::Kind::Set: {  // known whole: its members; known in part: {includes, excludes}
      const SetParts parts = set_parts(v);
      auto list = [&w](const std::vector<std::string>& names) {
        w.StartArray();
        for (const auto& n : names) w.String(n.data(), static_cast<rapidjson::SizeType>(n.size()));
        w.EndArray();
      };
      if (parts.complete) {
        list(parts.members);
        break;
      }
      w.StartObject();
      w.Key("includes");
      list(parts.members);
      if (!parts.absent.empty()) {
        w.Key("excludes");
        list(parts.absent);
      }
      w.EndObject();
      break;
    }
  }
}

void json_string(JsonWriter& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void json_names(JsonWriter& w, const std::set<std::string>& names) {
  w.StartArray();
  for (const auto& n : names) json_string(w, n);
  w.EndArray();
}

// The facts the case's own file states, in the policy's order (a fact the policy does not
// declare, if any, after them); those taken from a household's head are left to the head.
std::vector<const std::pair<const std::string, FactValue>*> ordered_facts(const Case& c,
                                                                        const std::vector<std::string>& order) {
  std::vector<const std::pair<const std::string, FactValue>*> out;
  for (const auto& name : order)
    if (auto it = c.facts.find(name); it != c.facts.end() && !taken_from_head(it->second)) out.push_back(&*it);
  for (const auto& entry : c.facts)
    if (std::find(order.begin(), order.end(), entry.first) == order.end() && !taken_from_head(entry.second))
      out.push_back(&entry);
  return out;
}

std::vector<const std::pair<const std::string, FactValue>*> written_facts(const Case& c) { return ordered_facts(c, {}); }

void json_case(JsonWriter& w, const Case& c, const std::vector<std::string>& order) {
  w.StartObject();
  w.Key("id");
  json_string(w, c.id);
  if (!c.title.empty()) {
    w.Key("title");
    json_string(w, c.title);
  }
  if (c.requested) {
    w.Key("requested");
    json_string(w, c.requested->written);
  }
  if (c.date) {
    w.Key(c.decided_written ? "decided" : "date");
    json_string(w, c.date->written);
  }
  if (!c.source.empty()) {
    w.Key("source");
    json_string(w, c.source);
  }
  if (c.household) {
    w.Key("household");
    w.StartObject();
    w.Key("head");
    json_string(w, c.household->head);
    if (!c.household->relation.empty()) {
      w.Key("relation");
      json_string(w, c.household->relation);
    }
    w.EndObject();
  }
  if (!written_facts(c).empty()) {
    w.Key("facts");
    w.StartObject();
    for (const auto* entry : ordered_facts(c, order)) {
      const FactValue& f = entry->second;
      w.Key(entry->first.data(), static_cast<rapidjson::SizeType>(entry->first.size()));
      if (!has_provenance(f)) {
        json_value(w, f.value);
        continue;
      }
      w.StartObject();
      w.Key("value");
      json_value(w, f.value);
      if (!f.source.empty()) {
        w.Key("source");
        json_string(w, f.source);
      }
      if (f.certainty != Certainty::Unstated) {
        w.Key("certainty");
        w.String(to_string(f.certainty));
      }
      if (!f.note.empty()) {
        w.Key("note");
        json_string(w, f.note);
      }
      if (f.for_household) {
        w.Key("for");
        w.String("household");
      }
      w.EndObject();
    }
    w.EndObject();
  }
  if (!c.expect.empty()) {
    w.Key("expect");
    w.StartObject();
    for (const auto& e : c.expect) {
      json_string(w, e.policy);
      w.StartObject();
      for (const auto& [decision, d] : e.decisions) {
        json_string(w, decision);
        if (d.by) {
          w.StartObject();
          w.Key("value");
          json_string(w, d.value);
          w.Key("by");
          json_string(w, *d.by);
          w.EndObject();
        } else {
          json_string(w, d.value);
        }
      }
      if (e.obligations) {
        w.Key("obligations");
        json_names(w, *e.obligations);
      }
      if (e.flags) {
        w.Key("flags");
        json_names(w, *e.flags);
      }
      if (!e.comment.empty()) {
        w.Key("why");
        json_string(w, e.comment);
      }
      w.EndObject();
    }
    w.EndObject();
  }
  if (c.history) {
    w.Key("history");
    w.StartObject();
    if (!c.history->summary.empty()) {
      w.Key("summary");
      json_string(w, c.history->summary);
    }
    w.Key("decisions");
    w.StartObject();
    for (const auto& [decision, value] : c.history->decisions) {
      json_string(w, decision);
      json_string(w, value);
    }
    w.EndObject();
    if (!c.history->source.empty()) {
      w.Key("source");
      json_string(w, c.history->source);
    }
    w.EndObject();
  }
  w.EndObject();
}

// Text in YAML's double quotes: a JSON string is one (YAML reads JSON's escapes).
std::string quoted(const std::string& s) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  json_string(w, s);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// A value as its fact's type writes it in YAML: bools, ints, dates and enumeration values
// plainly, text in quotes, unknown as the word.
std::string yaml_value(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Unknown: return "unknown";
    case Value::Kind::Text: return quoted(v.text);
    case Value::Kind::Enum: return v.text;
    case Value::Kind::Set: {  // known whole: [a, b]; known in part: {includes: [a], excludes: [b]}
      const SetParts parts = set_parts(v);
      const std::string members = fmt::format("[{}]", fmt::join(parts.members, ", "));
      if (parts.complete) return members;
      if (parts.absent.empty()) return fmt::format("{{includes: {}}}", members);
      return fmt::format("{{includes: {}, excludes: [{}]}}", members, fmt::join(parts.absent, ", "));
    }
    default: return to_string(v);
  }
}

std::string yaml_names(const std::set<std::string>& names) {
  std::vector<std::string> v(names.begin(), names.end());
  return fmt::format("[{}]", fmt::join(v, ", "));
}

void yaml_case(std::string& out, const Case& c, const std::vector<std::string>& order) {
  out += fmt::format("  - id: {}\n", quoted(c.id));
  if (!c.title.empty()) out += fmt::format("    title: {}\n", quoted(c.title));
  if (c.requested) out += fmt::format("    requested: {}\n", quoted(c.requested->written));
  if (c.date) out += fmt::format("    {}: {}\n", c.decided_written ? "decided" : "date", quoted(c.date->written));
  if (!c.source.empty()) out += fmt::format("    source: {}\n", quoted(c.source));
  if (c.household) {
    out += fmt::format("    household: {{head: {}", quoted(c.household->head));
    if (!c.household->relation.empty()) out += fmt::format(", relation: {}", quoted(c.household->relation));
    out += "}\n";
  }
  if (!written_facts(c).empty()) {
    out += "    facts:\n";
    for (const auto* entry : ordered_facts(c, order)) {
      const FactValue& f = entry->second;
      if (!has_provenance(f)) {
        out += fmt::format("      {}: {}\n", entry->first, yaml_value(f.value));
        continue;
      }
      out += fmt::format("      {}:\n        value: {}\n", entry->first, yaml_value(f.value));
      if (!f.source.empty()) out += fmt::format("        source: {}\n", quoted(f.source));
      if (f.certainty != Certainty::Unstated) out += fmt::format("        certainty: {}\n", to_string(f.certainty));
      if (!f.note.empty()) out += fmt::format("        note: {}\n", quoted(f.note));
      if (f.for_household) out += "        for: household\n";
    }
  }
  if (!c.expect.empty()) {
    out += "    expect:\n";
    for (const auto& e : c.expect) {
      out += fmt::format("      {}:", e.policy);
      const bool empty = e.decisions.empty() && !e.obligations && !e.flags && e.comment.empty();
      out += empty ? " {}\n" : "\n";
      for (const auto& [decision, d] : e.decisions) {
        if (d.by) out += fmt::format("        {}: {{value: {}, by: {}}}\n", decision, d.value, *d.by);
        else out += fmt::format("        {}: {}\n", decision, d.value);
      }
      if (e.obligations) out += fmt::format("        obligations: {}\n", yaml_names(*e.obligations));
      if (e.flags) out += fmt::format("        flags: {}\n", yaml_names(*e.flags));
      if (!e.comment.empty()) out += fmt::format("        why: {}\n", quoted(e.comment));
    }
  }
  if (c.history) {
    out += "    history:\n";
    if (!c.history->summary.empty()) out += fmt::format("      summary: {}\n", quoted(c.history->summary));
    out += c.history->decisions.empty() ? "      decisions: {}\n" : "      decisions:\n";
    for (const auto& [decision, value] : c.history->decisions)
      out += fmt::format("        {}: {}\n", decision, quoted(value));
    if (!c.history->source.empty()) out += fmt::format("      source: {}\n", quoted(c.history->source));
  }
}

// One CSV cell: quoted (by libcsv) when it holds a comma, a quote, a line break, or blanks at
// either end (which a reader trims from a cell without quotes).
void csv_cell(std::string& out, const std::string& text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string::npos ||
                     (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.back() == ' ' ||
                                        text.back() == '\t'));
  if (!quote) {
    out += text;
    return;
  }
  std::string buffer(text.size() * 2 + 2, '\0');
  std::size_t n = csv_write(buffer.data(), buffer.size(), text.data(), text.size());
  out.append(buffer.data(), n);
}

std::string csv_value(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Unknown: return "unknown";
    case Value::Kind::Text:
    case Value::Kind::Enum: return v.text;
    default: return to_string(v);
  }
}

std::string write_csv(const std::vector<Case>& cases, const std::vector<std::string>& order) {
  // The columns any case needs, in the policy's order of facts.
  bool title = false, date = false, source = false;
  std::map<std::string, std::array<bool, 4>> used;  // fact -> value, source, certainty, note
  for (const auto& c : cases) {
    title |= !c.title.empty();
    date |= c.date.has_value();
    source |= !c.source.empty();
    for (const auto& [name, f] : c.facts) {
      auto& u = used[name];
      u[0] = true;
      u[1] |= !f.source.empty();
      u[2] |= f.certainty != Certainty::Unstated;
      u[3] |= !f.note.empty();
    }
  }
  std::vector<std::string> facts;
  for (const auto& name : order)
    if (used.contains(name)) facts.push_back(name);
  for (const auto& [name, u] : used)
    if (std::find(facts.begin(), facts.end(), name) == facts.end()) facts.push_back(name);
  std::vector<std::string> header{"id"};
  if (title) header.push_back("title");
  if (date) header.push_back("date");
  if (source) header.push_back("source");
  for (const auto& name : facts) {
    header.push_back(name);
    if (used[name][1]) header.push_back(name + ".source");
    if (used[name][2]) header.push_back(name + ".certainty");
    if (used[name][3]) header.push_back(name + ".note");
  }
  std::string out;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (i > 0) out += ',';
    csv_cell(out, header[i]);
  }
  out += '\n';
  for (const auto& c : cases) {
    std::vector<std::string> row{c.id};
    if (title) row.push_back(c.title);
    if (date) row.push_back(c.date ? c.date->written : std::string());
    if (source) row.push_back(c.source);
    for (const auto& name : facts) {
      auto it = c.facts.find(name);
      const FactValue* f = it == c.facts.end() ? nullptr : &it->second;
      // Unknown with provenance: an empty cell beside the provenance says unknown.
      row.push_back(f == nullptr ? std::string()
                    : (!f->value.known() && has_provenance(*f)) ? std::string()
                                                                 : csv_value(f->value));
      if (used[name][1]) row.push_back(f ? f->source : std::string());
      if (used[name][2]) row.push_back(f && f->certainty != Certainty::Unstated ? to_string(f->certainty) : "");
      if (used[name][3]) row.push_back(f ? f->note : std::string());
    }
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      csv_cell(out, row[i]);
    }
    out += '\n';
  }
  return out;
}

}  // namespace

std::string csv_cannot_hold(const Case& c) {
  std::vector<std::string> what;
  if (!c.expect.empty()) what.push_back("its expectations (`expect:`)");
  if (c.history) what.push_back("its history");
  if (c.household) what.push_back("its household (`household:`)");
  if (c.requested) what.push_back("the date of its request (`requested:`)");
  for (const auto& [name, f] : c.facts) {
    if (f.value.kind == Value::Kind::Set) what.push_back(fmt::format("the set `{}`", name));
    if (f.for_household) what.push_back(fmt::format("`{}` stated for the household", name));
  }
  for (const auto& [name, f] : c.facts)
    if (f.value.kind == Value::Kind::Text && (f.value.text.empty() || f.value.text == "unknown"))
      what.push_back(fmt::format("the text \"{}\" of `{}` (a cell reading so is unknown)", f.value.text, name));
  return fmt::format("{}", fmt::join(what, ", "));
}

std::string write_cases(const std::vector<Case>& cases, const std::vector<std::string>& fact_order, CaseFormat format) {
  switch (format) {
    case CaseFormat::Csv: return write_csv(cases, fact_order);
    case CaseFormat::JsonLines: {
      std::string out;
      rapidjson::StringBuffer buffer;
      for (const auto& c : cases) {
        buffer.Clear();
        JsonWriter w(buffer);
        json_case(w, c, fact_order);
        out.append(buffer.GetString(), buffer.GetSize());
        out += '\n';
      }
      return out;
    }
    case CaseFormat::Yaml: {
      std::string out = "cases:\n";
      for (const auto& c : cases) yaml_case(out, c, fact_order);
      return out;
    }
  }
  return {};
}

}  // namespace decree::engine::formats
