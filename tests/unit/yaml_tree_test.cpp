// The YAML tree under case files: scalar values in every style, places in bytes and characters,
// anchors and aliases, and libyaml's errors said in a reader's words at the right place.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/yaml_tree.hpp"

namespace decree::engine::yaml {
namespace {

struct Read {
  SourceFile file;
  ReadResult result;
};

Read read(std::string text) {
  Read r{SourceFile("t.yaml", std::move(text)), {}};
  r.result = read_yaml(r.file);
  return r;
}

// The value under `key` in the root mapping.
NodeId at_key(const Tree& tree, std::string_view key) {
  for (std::size_t i = 0; i < tree.entries(tree.root()); ++i)
    if (tree.scalar(tree.key(tree.root(), i)) == key) return tree.value(tree.root(), i);
  ADD_FAILURE() << "no key " << key;
  return tree.root();
}

TEST(YamlTree, ScalarsReadTheSameInEveryStyle) {
  auto r = read(
      "plain: caf\xC3\xA9 au lait\n"
      "folded_plain: one\n  two\n"
      "single: 'it''s'\n"
      "double: \"tab\\there \\u00e9\"\n"
      "quoted_plain: \"as written\"\n"
      "literal: |\n  line one\n  line two\n"
      "folded: >\n  one\n  two\n"
      "empty_quoted: ''\n"
      "nothing:\n"
      "tilde: ~\n"
      "null_word: null\n"
      "str_tag: !!str 12\n");
  ASSERT_TRUE(r.result.tree) << (r.result.diagnostics.empty() ? "" : r.result.diagnostics[0].message);
  const Tree& t = *r.result.tree;
  EXPECT_EQ(t.scalar(at_key(t, "plain")), "caf\xC3\xA9 au lait");
  EXPECT_EQ(t.scalar(at_key(t, "folded_plain")), "one two");
  EXPECT_EQ(t.scalar(at_key(t, "single")), "it's");
  EXPECT_EQ(t.scalar(at_key(t, "double")), "tab\there \xC3\xA9");
  EXPECT_EQ(t.scalar(at_key(t, "quoted_plain")), "as written");
  EXPECT_EQ(t.scalar(at_key(t, "literal")), "line one\nline two\n");
  EXPECT_EQ(t.scalar(at_key(t, "folded")), "one two\n");
  EXPECT_EQ(t.kind(at_key(t, "empty_quoted")), Node::Kind::Scalar);
  EXPECT_EQ(t.scalar(at_key(t, "empty_quoted")), "");
  for (const char* key : {"nothing", "tilde", "null_word"}) EXPECT_EQ(t.kind(at_key(t, key)), Node::Kind::Null) << key;
  EXPECT_TRUE(t.node(at_key(t, "plain")).plain);
  EXPECT_FALSE(t.node(at_key(t, "quoted_plain")).plain);  // "true" in quotes is text, not a bool
  EXPECT_FALSE(t.node(at_key(t, "str_tag")).plain);
  EXPECT_EQ(t.scalar(at_key(t, "str_tag")), "12");
}

TEST(YamlTree, PlacesAreBytesForTheTreeAndCharactersForPeople) {
  // Two Cyrillic letters (four bytes) before the value on line 2, and a byte-order mark.
  auto r = read("\xEF\xBB\xBF\xD0\x9A\xD0\xB8: x\nk: \"\xD0\x9A\xD0\xB8\xD0\xBC\"  # after\n");
  ASSERT_TRUE(r.result.tree);
  const Tree& t = *r.result.tree;
  NodeId value = at_key(t, "k");
  EXPECT_EQ(t.node(value).offset, 3u + 4u + 4u + 3u);  // the opening quote
  SourceLoc loc = t.place(value, r.file);
  EXPECT_EQ(loc.line, 2u);
  EXPECT_EQ(loc.column, 4u);
  EXPECT_EQ(loc.length, 5u);  // the quotes and three letters
  NodeId x = at_key(t, "\xD0\x9A\xD0\xB8");
  EXPECT_EQ(t.place(x, r.file).column, 5u);
}

TEST(YamlTree, AliasesRepeatWhatTheyNameAndALaterAnchorTakesTheNameOver) {
  auto r = read("a: &v one\nb: *v\nc: &v two\nd: *v\n");
  ASSERT_TRUE(r.result.tree);
  const Tree& t = *r.result.tree;
  EXPECT_EQ(t.scalar(at_key(t, "b")), "one");
  EXPECT_EQ(t.scalar(at_key(t, "d")), "two");
}

TEST(YamlTree, DuplicateKeysArePairedWithTheirFirstWriting) {
  auto r = read("a: 1\nb: 2\na: 3\n");
  ASSERT_TRUE(r.result.tree);
  auto dups = r.result.tree->duplicate_keys(r.result.tree->root());
  ASSERT_EQ(dups.size(), 1u);
  EXPECT_EQ(r.result.tree->place(dups[0].first, r.file).line, 1u);
  EXPECT_EQ(r.result.tree->place(dups[0].second, r.file).line, 3u);
}

struct Mistake {
  const char* text;
  const char* code;
  const char* message;  // a part of the message
  std::uint32_t line, column;
};

TEST(YamlTree, MistakesAreSaidInWordsWhereTheyAre) {
  const Mistake mistakes[] = {
      {"a: [x, y\n", "case.yaml-syntax", "a `[` is not closed by a `]`", 1, 9},
      {"a: {b: 1]\n", "case.yaml-syntax", "a `]` closes the `{` opened before it", 1, 9},
      {"a: ]\n", "case.yaml-syntax", "a `]` closes nothing", 1, 4},
      {"a: \"x\n", "case.yaml-syntax", "the quoted text that starts here is not closed", 1, 4},
      {"a: \"x\n---\n\"\n", "case.yaml-syntax", "a `---` or `...` at the start of a line inside a quoted text", 2, 1},
      {"a: \"C:\\q\"\n", "case.yaml-syntax", "an unknown escape after a backslash in double quotes (`\\q`)", 1, 7},
      {"a: \"\\u12\"\n", "case.yaml-syntax", "takes 2, 4 or 8 hexadecimal digits", 1, 7},
      {"a: b: c\n", "case.yaml-syntax", "a `key: value` is not allowed here", 1, 5},
      {"a: 1\n  b: 2\n", "case.yaml-syntax", "a `key: value` is not allowed here", 2, 3},
      {"a: x  # a comment ends the value\n b: 2\n", "case.yaml-syntax", "does not line up with the keys", 2, 2},
      {"a:\n  b: 1\n c: 2\n", "case.yaml-syntax", "between the keys above it (column 3)", 3, 2},
      {"a:\n  - x\n  y: 1\n", "case.yaml-syntax", "does not continue the list above it", 3, 3},
      {"a: @x\n", "case.yaml-syntax", "cannot start with `@`", 1, 4},
      {"a: &\n", "case.yaml-syntax", "a `&` with no anchor name after it", 1, 5},
      {"a: *nothing\n", "case.yaml-syntax", "the alias `*nothing` names no anchor", 1, 4},
      {"a: !x!y z\n", "case.yaml-syntax", "no `%TAG` line declares", 1, 4},
      {"%YAML 2.0\n---\na: 1\n", "case.yaml-syntax", "a version of YAML other than 1.x", 1, 1},
      {"a: 1\n...\nb: 2\n", "case.yaml-syntax", "found `b:` after the end of the document", 3, 1},
      {"a: x\x07y\n", "case.yaml-syntax", "the control character U+0007", 1, 5},
      {"a: 1\n---\nb: 2\n", "case.second-document", "a second YAML document", 2, 1},
      {"a: !!int 1\n", "case.yaml-tag", "the YAML tag `!!int`", 1, 4},
      {"a: !!map {}\nb: !!seq []\nc: !!str x\nd: !local x\n", "case.yaml-tag", "the YAML tag `!local`", 4, 4},
      {"a: &l\n  b: *l\n", "case.alias-cycle", "inside the node it names", 2, 6},
      {"a:\n\tb: 1\n", "case.tab-indent", "a tab in the indentation", 2, 1},
      {"a: |\n\tx\n", "case.tab-indent", "a tab in the indentation", 2, 1},
  };
  for (const Mistake& m : mistakes) {
    auto r = read(m.text);
    ASSERT_FALSE(r.result.diagnostics.empty()) << m.text;
    const Diagnostic& d = r.result.diagnostics[0];
    EXPECT_EQ(d.code, m.code) << m.text;
    EXPECT_NE(d.message.find(m.message), std::string::npos) << m.text << "\n  said: " << d.message;
    EXPECT_FALSE(d.hint.empty()) << m.text;
    EXPECT_EQ(d.loc.line, m.line) << m.text;
    EXPECT_EQ(d.loc.column, m.column) << m.text;
    EXPECT_FALSE(r.result.tree) << m.text;
  }
}

TEST(YamlTree, AnUnclosedBracketNotesWhereItOpened) {
  auto r = read("a: 1\nb: [x,\n   y\n");
  ASSERT_EQ(r.result.diagnostics.size(), 1u);
  const Diagnostic& d = r.result.diagnostics[0];
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].message, "the `[` opened here");
  EXPECT_EQ(d.notes[0].loc.line, 2u);
  EXPECT_EQ(d.notes[0].loc.column, 4u);
  EXPECT_EQ(d.loc.line, 3u);  // after `y`, not on the blank end of the file
  EXPECT_EQ(d.loc.column, 5u);
}

TEST(YamlTree, EmptyDocumentsAreEmptyNotErrors) {
  for (const char* text : {"", "# a comment\n", "---\n", "---\n...\n", "~\n"}) {
    auto r = read(text);
    EXPECT_TRUE(r.result.empty) << text;
    EXPECT_TRUE(r.result.diagnostics.empty()) << text;
  }
}

}  // namespace
}  // namespace decree::engine::yaml
