// The formatter at the limits of the language: generated policies that check clean, with long
// lists of values and names, long and deep conditions, must format into text that parses back
// under the same limits (lines of at most 10,000 characters, files of at most 1 MiB) to the
// same policy, with bounded indentation, and format to itself again.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "dsl/check.hpp"
#include "dsl/format.hpp"
#include "dsl/parse.hpp"

namespace decree::dsl {
namespace {

struct Shape {
  std::size_t longest_line = 0;
  std::size_t deepest_indent = 0;
};

Shape shape_of(const std::string& text) {
  Shape s;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    s.longest_line = std::max(s.longest_line, line.size());
    std::size_t indent = line.find_first_not_of(' ');
    if (indent != std::string_view::npos) s.deepest_indent = std::max(s.deepest_indent, indent);
    start = end + 1;
  }
  return s;
}

// Parses and checks `source` (it must be clean), formats it, and checks the result: it parses
// under the default limits, means the same, and is its own format.
std::string format_checked(const std::string& source, bool check_it = true) {
  auto parsed = parse(source, "generated.decree");
  EXPECT_TRUE(parsed.ok()) << (parsed.diagnostics.empty() ? "" : parsed.diagnostics[0].message);
  if (!parsed.ok()) return {};
  if (check_it) {
    ast::Policy copy = *parsed.policy;
    auto found = check(copy);
    EXPECT_FALSE(has_errors(found)) << found[0].message;
  }
  std::string formatted = format(*parsed.policy, source);
  auto again = parse(formatted, "formatted.decree");
  EXPECT_TRUE(again.ok()) << (again.diagnostics.empty() ? "" : again.diagnostics[0].message);
  if (!again.ok()) return formatted;
  EXPECT_EQ(ast_difference(*parsed.policy, *again.policy), "");
  EXPECT_EQ(format(*again.policy, formatted), formatted);
  return formatted;
}

std::string header() { return "policy generated \"Generated\"\n  source m \"M\"\n\n"; }

// `stem_00000`, `stem_00001`, ... joined by `sep`, written as an author might: a line break
// (free in Decree) after every hundredth, so that the source obeys the line limit.
std::string names(const std::string& stem, std::size_t n, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i > 0 ? sep : "") + (i % 100 == 99 ? "\n  " : "") + fmt::format("{}_{:05}", stem, i);
  return out;
}

TEST(FormatLimits, LongListsOfValuesWrap) {
  // 3,000 values of 11 characters: 42,000 characters on one line, four times the line limit.
  const std::string values = names("value", 3000, " | ");
  std::string source = header();
  source += "type kind: " + values + " \"A kind with many values\"\n";
  source += "fact choice: " + values + " \"A fact with many values\"\n";
  source += "fact typed: kind \"Typed\"\n";
  source += "decision outcome \"Many outcomes\": " + values + "\n  default value_00000\n";
  source += "rule r:\n  when choice is value_00001 and typed is value_00002\n  then outcome = value_00003\n  cites m\n";
  ASSERT_GT(source.size(), 100'000u);
  std::string formatted = format_checked(source);
  Shape s = shape_of(formatted);
  EXPECT_LE(s.longest_line, kFormatWidth);
  EXPECT_LT(formatted.size(), source.size() * 11 / 10);
}

TEST(FormatLimits, LongListsOfNamesWrap) {
  std::string source = header();
  source += "fact a: bool \"A\"\n";
  source += "decision d \"D\": yes | no\n";
  for (std::size_t i = 0; i < 1200; ++i) source += fmt::format("fact noted_{:05}: bool \"F\"\n", i);
  source += "obligation report \"R\"\n  indicating " + names("noted", 1200, ", ") + "\n";
  for (std::size_t i = 0; i < 800; ++i)
    source += fmt::format("rule rule_{:05}:\n  when a\n  then d = yes\n  cites m\n", i);
  source += "rule overruled:\n  exception to " + names("rule", 800, ", ") + "\n  when not a\n  then d = no, owe report\n  cites m\n";
  std::string formatted = format_checked(source);
  EXPECT_LE(shape_of(formatted).longest_line, kFormatWidth);
}

// A chain of 20,000 operands (230,000 characters, 23 times the line limit), and a `not`
// of a chain of 5,000.
TEST(FormatLimits, VeryLongConditionStaysItsSize) {
  std::string source = header();
  source += "fact " + names("f", 1, "") + ": bool \"F\"\n";
  for (std::size_t i = 1; i < 200; ++i) source += fmt::format("fact f_{:05}: bool \"F\"\n", i);
  source += "decision d \"D\": yes | no\n";
  auto chain = [](std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
      out += fmt::format("{}{}f_{:05}", i > 0 ? (i % 3 ? " and " : " or ") : "", i % 100 == 99 ? "\n  " : "", i % 200);
    return out;
  };
  source += "define long \"Long\" =\n  " + chain(20'000) + "\n  cites m\n";
  source += "rule r:\n  when long and not (" + chain(5'000) + ")\n  then d = yes\n  cites m\n";
  std::string formatted = format_checked(source);
  Shape s = shape_of(formatted);
  EXPECT_LE(s.longest_line, kFormatWidth);
  EXPECT_LT(formatted.size(), source.size() * 11 / 10);
}

// Nested 60 levels deep (the limit is 64), each level a group of 40 operands: indentation stops
// growing, so the text stays about the size it was written.
TEST(FormatLimits, DeepConditionHasBoundedIndentation) {
  std::string source = header();
  for (std::size_t i = 0; i < 40; ++i) source += fmt::format("fact f_{:05}: bool \"F\"\n", i);
  source += "decision d \"D\": yes | no\n";
  std::string body = "f_00000";
  for (std::size_t level = 0; level < 60; ++level) {
    std::string group = names("f", 40, level % 2 ? " and " : " or ");
    body = "(" + group + (level % 2 ? " and " : " or ") + "\n" + body + ")";
  }
  source += "rule r:\n  when " + body + "\n  then d = yes\n  cites m\n";
  std::string formatted = format_checked(source);
  Shape s = shape_of(formatted);
  EXPECT_LE(s.longest_line, kFormatWidth + 60);  // the last line closes the 60 groups
  EXPECT_LE(s.deepest_indent, 30u);
  EXPECT_LT(formatted.size(), source.size() * 3 / 2);  // the source has no indentation at all
}

}  // namespace
}  // namespace decree::dsl
