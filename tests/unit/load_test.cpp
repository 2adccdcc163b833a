// Loading tests: reading files with limits (missing, folder, too large, binary, not UTF-8),
// following `extends` chains, cycles and their limit, and what is reported for an amendment.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "dsl/load.hpp"

namespace decree::dsl {
namespace {

namespace fs = std::filesystem;

// A fresh folder for one test, removed afterwards.
class LoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("decree-load-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  fs::path dir_;
};

std::vector<std::string> codes(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.code);
  return out;
}

TEST_F(LoadTest, MissingFile) {
  auto r = read_source_file((dir_ / "nope.decree").string(), 1 << 20);
  EXPECT_FALSE(r.text);
  ASSERT_EQ(codes(r.diagnostics), std::vector<std::string>{"load.missing-file"});
  EXPECT_EQ(r.diagnostics[0].message, "cannot read policy: there is no such file");
  EXPECT_FALSE(r.diagnostics[0].loc.known());
}

TEST_F(LoadTest, Directory) {
  auto r = read_source_file(dir_.string(), 1 << 20);
  EXPECT_FALSE(r.text);
  ASSERT_EQ(codes(r.diagnostics), std::vector<std::string>{"load.directory"});
  EXPECT_EQ(r.diagnostics[0].message, "this is a folder, not a policy file");
  r = read_source_file(dir_.string(), 1 << 20, "case");
  EXPECT_EQ(r.diagnostics[0].message, "this is a folder, not a case file");
}

TEST_F(LoadTest, TooLargeNamesTheLimit) {
  auto path = write("big.decree", std::string((1 << 20) + 1, 'x'));
  auto r = read_source_file(path, 1 << 20);
  EXPECT_FALSE(r.text);
  ASSERT_EQ(codes(r.diagnostics), std::vector<std::string>{"load.too-large"});
  EXPECT_EQ(r.diagnostics[0].message,
            "this policy file is 1.0 MiB; the limit for a policy file is 1 MiB (1048576 bytes)");
  // Exactly at the limit is fine.
  path = write("edge.decree", std::string(1 << 20, 'x'));
  EXPECT_TRUE(read_source_file(path, 1 << 20).text);
}

TEST_F(LoadTest, BinaryFile) {
  auto path = write("bin.decree", std::string("policy p\nfa\0ct", 14));
  auto r = read_source_file(path, 1 << 20);
  EXPECT_FALSE(r.text);
  ASSERT_EQ(codes(r.diagnostics), std::vector<std::string>{"load.binary"});
  EXPECT_EQ(r.diagnostics[0].loc.line, 2u);
  EXPECT_EQ(r.diagnostics[0].loc.column, 3u);
}

TEST_F(LoadTest, NotUtf8GivesLineAndColumnOfTheFirstBadByte) {
  auto path = write("latin1.decree", "policy p \"Caf\xc3\xa9\"\nfact caf\xe9: bool\n");
  auto r = read_source_file(path, 1 << 20);
  EXPECT_FALSE(r.text);
  ASSERT_EQ(codes(r.diagnostics), std::vector<std::string>{"load.not-utf8"});
  EXPECT_EQ(r.diagnostics[0].loc.line, 2u);
  EXPECT_EQ(r.diagnostics[0].loc.column, 9u);
  EXPECT_NE(r.diagnostics[0].message.find("0xE9"), std::string::npos);
  // Overlong encodings and surrogates are not UTF-8 either.
  EXPECT_FALSE(read_source_file(write("overlong.decree", "policy p \xc0\xaf\n"), 1 << 20).text);
  EXPECT_FALSE(read_source_file(write("surrogate.decree", "policy p \xed\xa0\x80\n"), 1 << 20).text);
}

TEST_F(LoadTest, EmptyFileIsReadAndTheParserReportsIt) {
  auto path = write("empty.decree", "");
  auto r = read_source_file(path, 1 << 20);
  ASSERT_TRUE(r.text);
  EXPECT_EQ(*r.text, "");
  SourceSet sources;
  auto loaded = load_policy(path, sources);
  EXPECT_FALSE(loaded.effective);
  EXPECT_EQ(codes(loaded.diagnostics), std::vector<std::string>{"parse.empty"});
}

TEST_F(LoadTest, OneMegabyteLineNamesTheLineLimit) {
  // Generated here rather than committed: a line of 1,000,000 characters (under the file limit).
  auto path = write("long-line.decree", "policy p\nfact post: text \"" + std::string(1'000'000, 'x') + "\"\n");
  SourceSet sources;
  auto loaded = load_policy(path, sources);
  EXPECT_FALSE(loaded.effective);
  ASSERT_EQ(codes(loaded.diagnostics), std::vector<std::string>{"parse.line-too-long"});
  // The rendered excerpt is a window around the caret, not the whole line.
  EXPECT_LT(render_all(loaded.diagnostics, sources).size(), 1000u);
}

TEST_F(LoadTest, ByteOrderMarkIsSkipped) {
  auto r = read_source_file(write("bom.decree", "\xEF\xBB\xBFpolicy p\n"), 1 << 20);
  ASSERT_TRUE(r.text);
  EXPECT_EQ(*r.text, "policy p\n");
}

const char* kBase =
    "policy base \"Base\"\n"
    "  status common\n"
    "  source memo \"The memo\"\n"
    "fact citizen: bool\n"
    "fact spare: bool\n"
    "decision ret: granted | refused\n"
    "rule grant:\n"
    "  when citizen\n"
    "  then ret = granted\n"
    "  cites memo p1\n";

TEST_F(LoadTest, PolicyWithoutBase) {
  auto path = write("base.decree", kBase);
  SourceSet sources;
  auto loaded = load_policy(path, sources);
  ASSERT_TRUE(loaded.effective);
  // A common base is not warned about facts it declares for its versions (`spare`).
  EXPECT_TRUE(loaded.diagnostics.empty()) << ::testing::PrintToString(codes(loaded.diagnostics));
  EXPECT_EQ(loaded.chain, std::vector<std::string>{path});
  EXPECT_NE(sources.find(path), nullptr);
  std::string plain = kBase;
  plain.replace(plain.find("  status common\n"), 16, "");
  loaded = load_policy(write("plain.decree", plain), sources);
  EXPECT_EQ(codes(loaded.diagnostics), std::vector<std::string>{"check.unused-fact"});
}

TEST_F(LoadTest, AmendmentFollowsExtendsRelativeToTheFile) {
  write("policies/base.decree", kBase);
  auto path = write("scenarios/cf.decree",
                    "policy cf\n  extends base in \"../policies/base.decree\"\n"
                    "replace rule grant:\n  when citizen and spare\n  then ret = granted\n  cites memo p2\n");
  SourceSet sources;
  auto loaded = load_policy(path, sources);
  ASSERT_TRUE(loaded.effective) << ::testing::PrintToString(codes(loaded.diagnostics));
  // The amendment uses both facts of the base.
  EXPECT_TRUE(loaded.diagnostics.empty()) << ::testing::PrintToString(codes(loaded.diagnostics));
  ASSERT_EQ(loaded.chain.size(), 2u);
  EXPECT_EQ(fs::path(loaded.chain[0]).filename(), "base.decree");
  ASSERT_TRUE(loaded.as_written);
  EXPECT_EQ(loaded.as_written->items.size(), 1u);
  EXPECT_EQ(loaded.effective->items.size(), 4u);
  EXPECT_EQ(loaded.effective->header.name.text, "cf");
}

TEST_F(LoadTest, NewWarningsCausedByTheAmendmentAreShown) {
  write("base.decree", kBase);
  auto path = write("cf.decree", "policy cf\n  extends base in \"base.decree\"\nreplace rule grant:\n  then ret = granted\n  cites memo p2\n");
  SourceSet sources;
  auto loaded = load_policy(path, sources);
  ASSERT_TRUE(loaded.effective);
  // `citizen` is unused now, because of the amendment: reported, at its place in the base file.
  // `spare` was unused in the base already: that is not this amendment's doing.
  ASSERT_EQ(codes(loaded.diagnostics), std::vector<std::string>{"check.unused-fact"});
  EXPECT_NE(loaded.diagnostics[0].message.find("`citizen`"), std::string::npos);
  EXPECT_EQ(fs::path(loaded.diagnostics[0].loc.file).filename(), "base.decree");
  // An amendment of that version is told only what it changes: here `citizen` is used again.
  auto again = write("cf2.decree", "policy cf2\n  extends cf in \"cf.decree\"\nreplace rule grant:\n  when citizen\n  then ret = granted\n  cites memo p2\n");
  loaded = load_policy(again, sources);
  ASSERT_TRUE(loaded.effective);
  EXPECT_TRUE(loaded.diagnostics.empty()) << ::testing::PrintToString(codes(loaded.diagnostics));
}

TEST_F(LoadTest, MissingBasePointsAtThePath) {
  auto path = write("cf.decree", "policy cf\n  extends base in \"nowhere.decree\"\n");
  SourceSet sources;
  auto loaded = load_policy(path, sources);
  EXPECT_FALSE(loaded.effective);
  ASSERT_EQ(codes(loaded.diagnostics), std::vector<std::string>{"load.missing-file"});
  EXPECT_EQ(loaded.diagnostics[0].loc.line, 2u);
  EXPECT_EQ(loaded.diagnostics[0].loc.column, 19u);
  EXPECT_EQ(loaded.diagnostics[0].message,
            "cannot use \"nowhere.decree\" as the base policy: cannot read policy: there is no such file");
}

TEST_F(LoadTest, WrongBaseName) {
  write("base.decree", kBase);
  auto path = write("cf.decree", "policy cf\n  extends bsae in \"base.decree\"\n");
  SourceSet sources;
  auto loaded = load_policy(path, sources);
  EXPECT_FALSE(loaded.effective);
  ASSERT_EQ(codes(loaded.diagnostics), std::vector<std::string>{"load.wrong-base"});
  EXPECT_EQ(loaded.diagnostics[0].message, "\"base.decree\" holds policy `base`, not `bsae`");
}

TEST_F(LoadTest, ErrorsInTheBaseStopTheLoad) {
  write("base.decree", std::string(kBase) + "rule broken:\n  when nothing\n  then ret = granted\n  cites memo p1\n");
  auto path = write("cf.decree", "policy cf\n  extends base in \"base.decree\"\n");
  SourceSet sources;
  auto loaded = load_policy(path, sources);
  EXPECT_FALSE(loaded.effective);
  ASSERT_EQ(codes(loaded.diagnostics), std::vector<std::string>{"check.undeclared-name"});
  EXPECT_EQ(fs::path(loaded.diagnostics[0].loc.file).filename(), "base.decree");
}

TEST_F(LoadTest, ExtendsCycle) {
  write("a.decree", "policy a\n  extends b in \"b.decree\"\n");
  auto path = write("b.decree", "policy b\n  extends a in \"a.decree\"\n");
  SourceSet sources;
  auto loaded = load_policy(path, sources);
  EXPECT_FALSE(loaded.effective);
  ASSERT_EQ(codes(loaded.diagnostics), std::vector<std::string>{"load.extends-cycle"});
  EXPECT_EQ(loaded.diagnostics[0].message, "policies extend each other in a circle: b.decree → a.decree → b.decree");
  // A policy that extends itself.
  path = write("self.decree", "policy self\n  extends self in \"self.decree\"\n");
  loaded = load_policy(path, sources);
  ASSERT_EQ(codes(loaded.diagnostics), std::vector<std::string>{"load.extends-cycle"});
}

TEST_F(LoadTest, ExtendsChainLimit) {
  write("p0.decree", kBase);
  // p1 extends base (named `base`), p2 extends p1, ...
  for (int i = 1; i <= 17; ++i) {
    std::string base_name = i == 1 ? "base" : "p" + std::to_string(i - 1);
    write("p" + std::to_string(i) + ".decree", "policy p" + std::to_string(i) + "\n  extends " + base_name + " in \"p" +
                                                   std::to_string(i - 1) + ".decree\"\n");
  }
  SourceSet sources;
  auto ok = load_policy((dir_ / "p15.decree").string(), sources);
  EXPECT_TRUE(ok.effective) << ::testing::PrintToString(codes(ok.diagnostics));
  EXPECT_EQ(ok.chain.size(), 16u);
  auto too_long = load_policy((dir_ / "p17.decree").string(), sources);
  EXPECT_FALSE(too_long.effective);
  ASSERT_EQ(codes(too_long.diagnostics), std::vector<std::string>{"load.extends-too-deep"});
  EXPECT_EQ(too_long.diagnostics[0].message, "this chain of `extends` is longer than 16 files, the limit");
}

TEST_F(LoadTest, RepositoryPoliciesLoadWithoutErrors) {
  for (const char* dir : {"policies", "scenarios"}) {
    fs::path root = fs::path(DECREE_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".decree") continue;
      SCOPED_TRACE(entry.path().string());
      SourceSet sources;
      auto loaded = load_policy(entry.path().string(), sources);
      EXPECT_TRUE(loaded.effective) << render_all(loaded.diagnostics, sources);
    }
  }
}

}  // namespace
}  // namespace decree::dsl
