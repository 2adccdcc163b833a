// The trace as JSON Lines (`decree run --format jsonl`, schema "decree.jsonl/1", documented in
// docs/trace-schema.md and docs/schema/decree-jsonl.schema.json): a first line with the policy's
// dictionary (its facts, decisions, rules, definitions, declarations, titles, citations and
// places, once), then one line per case with only what is particular to the case, naming rules,
// facts and decisions by their names. Written with RapidJSON's streaming Writer: no document tree
// is built, and one buffer is reused from case to case.
#pragma once

#include <memory>
#include <string_view>

#include "engine/compile.hpp"
#include "engine/trace.hpp"

namespace decree::engine {

inline constexpr const char* kJsonlSchema = "decree.jsonl/1";

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

}  // namespace decree::engine
