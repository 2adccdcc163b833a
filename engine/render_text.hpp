// The trace as text for a terminal: an indented tree a student can read aloud, from each
// decision down to the facts of the case and the clauses of the source. Colour only when the
// caller asks (it decides: a terminal, and no NO_COLOR).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/compile.hpp"
#include "engine/trace.hpp"

namespace decree::engine {

class CaseExplainer;  // engine/explain/because.hpp

// How much of a case's explanation render_case shows (`--explain`):
//   Because: the because-sentences of each decision (engine/explain/because.hpp).
//   Short:   the deciding rule with the conditions that decided (▸), every other rule that may set
//            the decision in one line, and the because-sentences.
//   Full:    the whole tree: every rule with every condition, each definition opened once per
//            case, and what would settle an undetermined decision.
enum class Explain { Because, Short, Full };
// "because", "short", "full" (anything else is Full).
Explain explain_level(std::string_view word);

struct TextOptions {
  bool color = false;
  Explain explain = Explain::Full;
};

// How a piece of text is coloured on a terminal; `paint` leaves it plain unless `color`.
enum class Paint { None, Bold, Good, Bad, Warn, Dim };
std::string paint(std::string_view text, Paint how, bool color);

// `policy telegram_1956 "Telegram…" (enacted, in force from 1956-02-02 .. 1956-02-10)`
std::string render_policy_line(const CompiledPolicy& policy, const TextOptions& options = {});

// A case's outcome with its full trace. Needs an evaluation made with options.trace.
std::string render_case(const CompiledPolicy& policy, const CaseEvaluation& ev, const TextOptions& options = {});

// The same, appended to `out`, for case after case: the case is explained with `explainer`,
// whose buffers are kept from one case to the next.
void render_case(std::string& out, const CompiledPolicy& policy, const CaseEvaluation& ev, const TextOptions& options,
                 CaseExplainer& explainer);

// One line: `ly-kim  return: refused by embassy; conversion: not applicable`.
std::string render_brief(const CompiledPolicy& policy, const CaseEvaluation& ev, const TextOptions& options = {});

// Why the decision did not come out as the value asked about.
std::string render_why_not(const CompiledPolicy& policy, const CaseEvaluation& ev, const WhyNot& why,
                           const TextOptions& options = {});

// A decision's result in words, as engine/explain/outcome.hpp writes every outcome:
// "GRANTED by embassy", "REFUSED (default)", "undetermined", "conflict (…)", "not applicable".
std::string describe_result(const CompiledPolicy& policy, Index decision, const DecisionResult& r);

// "telegram s1, s5; memo p4": a rule's citations, sections of one document run together.
std::string citations_short(const std::vector<CompiledCitation>& cites);

// "telegram s3 \"As a rule, …\"" (quote omitted when `with_quote` is false).
std::string citation_text(const CompiledCitation& c, bool with_quote = true);

}  // namespace decree::engine
