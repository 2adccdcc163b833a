// The text trace's because-sentences wrapped at 100 columns: each line holds as many words as
// fit, a longer word stands on a line of its own, and a UTF-8 character counts as one column;
// compared, for sentences of every length around the width, with wrapping done word by word.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dsl/check.hpp"
#include "dsl/parse.hpp"
#include "engine/compile.hpp"
#include "engine/explain/because.hpp"
#include "engine/render_text.hpp"
#include "engine/trace.hpp"

namespace decree::engine {
namespace {

const char* kPolicy = R"(
policy t "A test policy"
fact name: text "A name"
decision d "The decision": granted | refused
  default refused
rule grant "Grant": when name = "x" then d = granted
)";

std::size_t columns(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// `text` wrapped word by word at `width` columns, each line after `indent` spaces.
std::string wrapped(const std::string& text, std::size_t width, int indent) {
  std::vector<std::string> words;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t end = std::min(text.find(' ', at), text.size());
    words.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  std::string out, line;
  for (const auto& w : words) {
    if (!line.empty() && columns(line) + 1 + columns(w) > width) {
      out += std::string(static_cast<std::size_t>(indent), ' ') + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + w;
  }
  if (!line.empty()) out += std::string(static_cast<std::size_t>(indent), ' ') + line + "\n";
  return out;
}

TEST(RenderTextWrap, BecauseSentencesWrapAsWordByWord) {
  auto parsed = dsl::parse(kPolicy, "t.decree");
  dsl::check(*parsed.policy);
  const CompiledPolicy p = std::move(*compile(*parsed.policy).policy);
  EvalOptions options;
  options.trace = true;
  options.explore = true;
  TextOptions text;
  text.explain = Explain::Short;
  std::size_t checked = 0;
  for (const std::string piece : {"a", "é", "ab cd", "a—b"}) {
    for (std::size_t n = 1; n <= 130; ++n) {
      std::string value;
      while (value.size() < n) value += piece;
      Case c;
      c.id = "c";
      c.facts["name"] = FactValue{Value::of_text(value), SourceLoc{"c.yaml", 0, 3, 3, 1}, "", Certainty::Unstated, "", false, ""};
      const CaseEvaluation ev = evaluate_case(p, c, options);
      const auto explanations = explain_case(p, ev);
      std::string sentences;
      for (const auto& s : explanations[0].because) sentences += (sentences.empty() ? "" : " ") + s;
      ASSERT_FALSE(sentences.empty());
      const std::string expected = wrapped(sentences, 96, 4);
      const std::string shown = render_case(p, ev, text);
      EXPECT_NE(shown.find(expected), std::string::npos) << "value of " << n << " bytes\nexpected:\n" << expected << "shown:\n" << shown;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 4u * 130u);
}

}  // namespace
}  // namespace decree::engine
