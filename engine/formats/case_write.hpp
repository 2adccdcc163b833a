// Writing cases back out as YAML, JSON Lines or CSV case files (`decree convert`), keeping
// everything a case says: its id, title, date as written, source, every fact with its
// provenance (an explicit `unknown` included), its expectations and its history. Places and
// comments are not kept: they belong to the file the case was read from.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/case.hpp"

namespace decree::engine::formats {

enum class CaseFormat { Yaml, JsonLines, Csv };

// The format a file name's extension says: .yaml/.yml, .jsonl, .csv; nullopt for any other.
std::optional<CaseFormat> case_format_of_name(const std::string& name);
// The format named on the command line: yaml, jsonl, csv.
std::optional<CaseFormat> case_format_named(const std::string& word);
const char* to_string(CaseFormat f);

// What a CSV file cannot hold of this case, in words ("its expectations"), or "" when it holds
// all of it: a CSV row has no place for expectations or history, an empty cell is unknown, and
// a cell reading `unknown` is unknown, so a text fact cannot be "" or "unknown".
std::string csv_cannot_hold(const Case& c);

// The cases as a whole file in `format`. `fact_order` lists the policy's facts in declared
// order (CSV columns and the order of facts follow it). For CSV, every case must be one that
// csv_cannot_hold accepts.
std::string write_cases(const std::vector<Case>& cases, const std::vector<std::string>& fact_order, CaseFormat format);

}  // namespace decree::engine::formats
