// The trace as JSON, written with RapidJSON's streaming Writer (no document tree is built, and one
// buffer is reused from case to case), in the two layouts docs/trace-schema.md documents:
// - JSON Lines (`decree run --format jsonl`, schema "decree.jsonl/1", with
//   docs/schema/decree-jsonl.schema.json): a first line with the policy's dictionary (its facts,
//   decisions, rules, definitions, declarations, titles, citations and places, once), then one
//   line per case with only what is particular to the case, naming rules, facts and decisions;
// - one document (`decree run --format json`, schema "decree.trace/1"), each case self-contained,
//   written a case at a time as well.
// The nlohmann::json values of engine/render_json.hpp are read back from this writer's text, so
// there is one writer of every field.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/compile.hpp"
#include "engine/trace.hpp"

namespace decree::engine {

inline constexpr const char* kJsonlSchema = "decree.jsonl/1";
inline constexpr const char* kTraceSchema = "decree.trace/1";

class JsonlWriter {
 public:
  // `brief`: each case's line holds its decisions' outcomes, obligations and flags only (as
  // `run --brief --format json` does), and may come from an evaluation made without a trace.
  JsonlWriter(const CompiledPolicy& policy, bool brief);
  ~JsonlWriter();
  JsonlWriter(const JsonlWriter&) = delete;
  JsonlWriter& operator=(const JsonlWriter&) = delete;

  // The header line, ending in '\n'.
  std::string_view header();

  // One case's line, ending in '\n', made whole before it is returned (so a caller writes a case
  // entirely or not at all). Valid until the next call. Without `brief`, `ev` must have been
  // evaluated with options.trace (and options.explore for what would settle a decision).
  std::string_view line(const CaseEvaluation& ev);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The decree.trace/1 document a case at a time: open(), next() for each case, close(). Each
// piece is valid until the next call; together they make the document `run_json` holds, indented
// by two spaces when `pretty`. A call out of that order throws std::logic_error.
class TraceWriter {
 public:
  // `brief`: each case in brief (as brief_case_json), from an evaluation with or without a trace.
  TraceWriter(const CompiledPolicy& policy, bool brief, bool pretty);
  ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  // {"schema": ..., "generator": ..., "policy": {...}, "cases": [
  std::string_view open();
  // One case (with the comma before it when it is not the first), made whole before it is returned.
  std::string_view next(const CaseEvaluation& ev);
  // ], then "sources" and "documents" when given (the cited texts, engine/render_sources.hpp), }
  // and a newline.
  std::string_view close(const nlohmann::ordered_json* sources = nullptr,
                         const nlohmann::ordered_json* documents = nullptr);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Compact decree.trace/1 pieces: the `policy` object, one case (whole, with its history when it
// has one, or in brief), and a why-not document.
std::string policy_json_text(const CompiledPolicy& policy);
std::string case_json_text(const CompiledPolicy& policy, const CaseEvaluation& ev, bool brief);
// One case's line as JsonlWriter::line writes it (without the newline), made alone: nothing is
// kept from case to case and no fact's object is copied from where the case wrote it first.
std::string case_jsonl_text(const CompiledPolicy& policy, const CaseEvaluation& ev);
std::string why_not_json_text(const CompiledPolicy& policy, const CaseEvaluation& ev, const WhyNot& why);

}  // namespace decree::engine
