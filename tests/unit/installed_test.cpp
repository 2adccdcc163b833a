// What an installed decree needs (cli/installed/): names resolved on the search path, and the
// completion scripts written from a CLI11 app, exercised in bash.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>

#include "cli/installed/completion.hpp"
#include "cli/installed/search_path.hpp"
#include "engine/version.hpp"

namespace decree::cli {
namespace {

namespace fs = std::filesystem;

// A fresh folder laid out like share/decree, removed afterwards.
struct Tree {
  fs::path root;
  explicit Tree(const std::string& name) {
    root = fs::temp_directory_path() / ("decree-installed-test-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
  }
  ~Tree() { fs::remove_all(root); }
  void file(const std::string& rel) {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel) << "x\n";
  }
};

TEST(SearchPath, PathsAreUsedAsGiven) {
  Tree t("paths");
  t.file("policies/telegram-1956.decree");
  const std::vector<SearchRoot> roots{{t.root, "DECREE_PATH"}};
  for (const std::string arg : {"policies/telegram-1956.decree", "./telegram-1956", "-", "/no/such/file.yaml"}) {
    const auto r = resolve(arg, NameKind::any, roots);
    EXPECT_EQ(r.path, arg);
    EXPECT_EQ(r.error, "");
  }
}

TEST(SearchPath, AFileInTheCurrentFolderWinsOverAName) {
  Tree t("cwd");
  t.file("policies/tests.decree");
  // A file named `tests` in the current folder is that file, though a policy has the same name.
  const fs::path here = fs::current_path();
  fs::current_path(t.root);
  std::ofstream("tests") << "x\n";
  const auto r = resolve("tests", NameKind::policy, {{t.root, "DECREE_PATH"}});
  fs::current_path(here);
  EXPECT_EQ(r.path, "tests");
  EXPECT_EQ(r.error, "");
}

TEST(SearchPath, BareNamesFindPoliciesCasesAndFolders) {
  Tree t("names");
  t.file("policies/telegram-1956.decree");
  t.file("scenarios/counterfactual/no-friends-veto.decree");
  t.file("scenarios/historical/ly-kim.yaml");
  t.file("scenarios/historical/later/pak-chang-ok.yaml");
  t.file("scenarios/populations/return-requests.yml");
  const std::vector<SearchRoot> roots{{t.root, "DECREE_PATH"}};
  auto path = [&](const std::string& arg, NameKind kind) {
    const auto r = resolve(arg, kind, roots);
    EXPECT_EQ(r.error, "") << arg;
    return r.path;
  };
  EXPECT_EQ(path("telegram-1956", NameKind::policy), (t.root / "policies/telegram-1956.decree").string());
  EXPECT_EQ(path("telegram-1956.decree", NameKind::any), (t.root / "policies/telegram-1956.decree").string());
  EXPECT_EQ(path("no-friends-veto", NameKind::policy), (t.root / "scenarios/counterfactual/no-friends-veto.decree").string());
  EXPECT_EQ(path("ly-kim", NameKind::cases), (t.root / "scenarios/historical/ly-kim.yaml").string());
  EXPECT_EQ(path("ly-kim.yaml", NameKind::any), (t.root / "scenarios/historical/ly-kim.yaml").string());
  EXPECT_EQ(path("pak-chang-ok", NameKind::any), (t.root / "scenarios/historical/later/pak-chang-ok.yaml").string());
  EXPECT_EQ(path("return-requests", NameKind::cases), (t.root / "scenarios/populations/return-requests.yml").string());
  EXPECT_EQ(path("later", NameKind::cases), (t.root / "scenarios/historical/later").string());
  EXPECT_EQ(path("historical", NameKind::any), (t.root / "scenarios/historical").string());
  EXPECT_EQ(path("scenarios", NameKind::cases), (t.root / "scenarios").string());
}

TEST(SearchPath, TheKindNarrowsTheSearch) {
  Tree t("kinds");
  t.file("policies/telegram-1956.decree");
  t.file("scenarios/historical/ly-kim.yaml");
  const std::vector<SearchRoot> roots{{t.root, "DECREE_PATH"}};
  const auto policy = resolve("ly-kim", NameKind::policy, roots);
  EXPECT_NE(policy.error.find("looked for ly-kim.decree in policies/ and scenarios/counterfactual/, in:"), std::string::npos)
      << policy.error;
  const auto cases = resolve("telegram-1956", NameKind::cases, roots);
  EXPECT_NE(cases.error.find("looked for telegram-1956.yaml or telegram-1956.yml or a folder telegram-1956 anywhere under scenarios/"),
            std::string::npos)
      << cases.error;
  // A name whose extension is neither kind's is left for loading to refuse.
  EXPECT_EQ(resolve("ly-kim.yaml", NameKind::policy, roots).path, "ly-kim.yaml");
  EXPECT_EQ(resolve("ly-kim.yaml", NameKind::policy, roots).error, "");
}

TEST(SearchPath, TheFirstRootWithAMatchDecides) {
  Tree first("first"), second("second");
  first.file("policies/mine.decree");
  second.file("policies/mine.decree");
  second.file("policies/theirs.decree");
  const std::vector<SearchRoot> roots{{first.root, "DECREE_PATH"}, {second.root, "installed with decree"}};
  EXPECT_EQ(resolve("mine", NameKind::policy, roots).path, (first.root / "policies/mine.decree").string());
  EXPECT_EQ(resolve("theirs", NameKind::policy, roots).path, (second.root / "policies/theirs.decree").string());
}

TEST(SearchPath, TwoMatchesInOneRootAreAmbiguous) {
  Tree t("ambiguous");
  t.file("scenarios/a/kim.yaml");
  t.file("scenarios/b/kim.yaml");
  const auto r = resolve("kim", NameKind::cases, {{t.root, "DECREE_PATH"}});
  EXPECT_NE(r.error.find("\"kim\" names 2 files in " + t.root.string() + " (DECREE_PATH); give the one you mean as a path:"),
            std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("\n  " + (t.root / "scenarios/a/kim.yaml").string()), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("\n  " + (t.root / "scenarios/b/kim.yaml").string()), std::string::npos) << r.error;
}

TEST(SearchPath, AMissingNameSaysWhereItLooked) {
  Tree t("missing");
  t.file("policies/telegram-1956.decree");
  const fs::path absent = t.root / "absent";
  const auto r = resolve("telegram-1957", NameKind::any, {{t.root, "DECREE_PATH"}, {absent, "installed with decree"}});
  EXPECT_NE(r.error.find("\"telegram-1957\" is not a file or folder here, nor a name on the search path: looked for "
                         "telegram-1957.decree in policies/ and scenarios/counterfactual/, and telegram-1957.yaml or "
                         "telegram-1957.yml or a folder telegram-1957 anywhere under scenarios/, in:"),
            std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("\n  " + t.root.string() + " (DECREE_PATH)"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("\n  " + absent.string() + " (installed with decree; no such folder)"), std::string::npos) << r.error;
}

TEST(SearchPath, DecreePathIsSplitAtColonsBeforeTheInstalledFolder) {
  const char* old = std::getenv("DECREE_PATH");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("DECREE_PATH", "/a::/b", 1);
  const auto roots = search_roots();
  if (old != nullptr) ::setenv("DECREE_PATH", saved.c_str(), 1); else ::unsetenv("DECREE_PATH");
  ASSERT_EQ(roots.size(), 3u);
  EXPECT_EQ(roots[0].dir, "/a");
  EXPECT_EQ(roots[1].dir, "/b");
  EXPECT_EQ(roots[0].origin, "DECREE_PATH");
  // The installed folder, from this test program's own folder.
  EXPECT_EQ(roots[2].origin, "installed with decree");
  EXPECT_EQ(roots[2].dir.filename(), "decree");
  EXPECT_EQ(roots[2].dir.parent_path().filename(), "share");
}

TEST(SearchPath, ShippedNamesForCompletion) {
  Tree t("shipped");
  t.file("policies/telegram-1956.decree");
  t.file("policies/README.md");
  t.file("scenarios/counterfactual/no-friends-veto.decree");
  t.file("scenarios/historical/ly-kim.yaml");
  t.file("scenarios/historical/later/pak-chang-ok.yaml");
  const std::vector<SearchRoot> roots{{t.root, "DECREE_PATH"}, {t.root / "absent", "installed with decree"}};
  EXPECT_EQ(shipped_names(NameKind::policy, roots), (std::vector<std::string>{"no-friends-veto", "telegram-1956"}));
  EXPECT_EQ(shipped_names(NameKind::cases, roots),
            (std::vector<std::string>{"counterfactual", "historical", "later", "ly-kim", "pak-chang-ok", "scenarios"}));
  EXPECT_EQ(shipped_names(NameKind::any, roots).size(), 8u);
}

// ---- completion --------------------------------------------------------------------------------

// Runs `script` in bash with the completion script defined, and returns what it prints.
std::string in_bash(const std::string& completion, const std::string& script) {
  const fs::path file = fs::temp_directory_path() / ("decree-completion-test-" + std::to_string(::getpid()));
  std::ofstream(file) << completion << "\n" << script << "\n";
  std::string out;
  if (FILE* p = ::popen(("bash --norc --noprofile " + file.string() + " 2>&1").c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
  }
  fs::remove(file);
  return out;
}

// What _decree offers for the words (the last one is being completed).
std::string complete(const std::string& completion, const std::string& words) {
  return in_bash(completion, "COMP_WORDS=(" + words + ")\nCOMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n_decree\n"
                             "printf '%s\\n' \"${COMPREPLY[@]}\"");
}

struct App {
  CLI::App root{"test", "decree"};
  std::string policy, format, against;
  std::vector<std::string> cases;
  bool brief = false;
  App() {
    root.set_version_flag("--version", "decree 0");
    auto* run = root.add_subcommand("run", "Run cases");
    run->add_option("policy", policy, "The policy")->required()->transform(names(NameKind::policy));
    run->add_option("cases", cases, "The cases")->required()->transform(names(NameKind::any));
    run->add_option("--format", format, "text or json")->check(CLI::IsMember({"text", "json"}));
    run->add_flag("--brief", brief, "One line [each]: it's short");
    auto* report = root.add_subcommand("report", "Write the report");
    report->add_option("--against", against, "Another policy")->transform(names(NameKind::policy));
    root.add_subcommand("check", "Check");
    root.add_subcommand("completion", "hidden")->group("");
  }
};

TEST(Completion, DescribeWalksTheVisibleCommands) {
  App app;
  const auto program = describe(app.root);
  ASSERT_EQ(program.commands.size(), 3u);
  EXPECT_EQ(program.commands[0].name, "run");
  const auto& run = program.commands[0];
  ASSERT_EQ(run.positionals.size(), 2u);
  EXPECT_EQ(run.positionals[0].kind, NameKind::policy);
  EXPECT_FALSE(run.positionals[0].repeating);
  EXPECT_EQ(run.positionals[1].kind, NameKind::any);
  EXPECT_TRUE(run.positionals[1].repeating);
  ASSERT_EQ(run.options.size(), 3u);  // -h,--help; --format; --brief
  EXPECT_EQ(run.options[1].names, (std::vector<std::string>{"--format"}));
  EXPECT_TRUE(run.options[1].takes_value);
  EXPECT_EQ(run.options[1].choices, (std::vector<std::string>{"text", "json"}));
  EXPECT_FALSE(run.options[2].takes_value);
  EXPECT_EQ(program.commands[1].options[1].kind, NameKind::policy);
}

TEST(Completion, BashCompletesSubcommandsOptionsAndValues) {
  App app;
  const std::string script = bash_script(describe(app.root));
  EXPECT_EQ(complete(script, "decree r"), "run\nreport\n");
  EXPECT_EQ(complete(script, "decree ''"), "run\nreport\ncheck\n");  // never the hidden one
  EXPECT_EQ(complete(script, "decree --v"), "--version\n");
  EXPECT_EQ(complete(script, "decree run --"), "--help\n--format\n--brief\n");
  EXPECT_EQ(complete(script, "decree run --format ''"), "text\njson\n");
  EXPECT_EQ(complete(script, "decree --version run --brief --format j"), "json\n");
}

TEST(Completion, ANewlyRegisteredOptionAppears) {
  App app;
  EXPECT_EQ(complete(bash_script(describe(app.root)), "decree run --new"), "\n");
  std::string value;
  app.root.get_subcommand("run")->add_option("--newly-registered", value, "A new option")->check(CLI::IsMember({"one", "two"}));
  const std::string script = bash_script(describe(app.root));
  EXPECT_EQ(complete(script, "decree run --new"), "--newly-registered\n");
  EXPECT_EQ(complete(script, "decree run --newly-registered t"), "two\n");
  EXPECT_NE(zsh_script(describe(app.root)).find("'--newly-registered[A new option]:newly-registered:(one two)'"),
            std::string::npos);
}

TEST(Completion, OptionsOfTheProgramThatFallThroughAreOfferedAfterTheSubcommand) {
  App app;
  std::string color;
  app.root.add_option("--color", color, "Colour")->check(CLI::IsMember({"auto", "always", "never"}));
  EXPECT_EQ(complete(bash_script(describe(app.root)), "decree run --co"), "\n");
  app.root.fallthrough();
  const std::string script = bash_script(describe(app.root));
  EXPECT_EQ(complete(script, "decree --co"), "--color\n");
  EXPECT_EQ(complete(script, "decree run --co"), "--color\n");
  EXPECT_EQ(complete(script, "decree run --color a"), "auto\nalways\n");
  EXPECT_EQ(complete(script, "decree run --v"), "\n");  // --version is the program's alone
  EXPECT_EQ(complete(script, "decree --color n"), "never\n");
  EXPECT_EQ(complete(script, "decree --color never r"), "run\nreport\n");
  EXPECT_EQ(complete(script, "decree --color never run --format j"), "json\n");
}

TEST(Completion, PositionalsAskTheProgramForNamesOfTheirKind) {
  App app;
  // A stand-in for the program: prints the kind it was asked for, as `decree completion names KIND` would.
  const std::string fake = "fake() { [[ $1 == completion && $2 == names ]] && printf '%s-one\\n%s-two\\n' \"$3\" \"$3\"; }\n";
  const std::string script = bash_script(describe(app.root)) + fake;
  EXPECT_EQ(complete(script, "fake run po"), "policy-one\npolicy-two\n");
  EXPECT_EQ(complete(script, "fake run --brief p a"), "any-one\nany-two\n");
  EXPECT_EQ(complete(script, "fake run --format json p a1 a"), "any-one\nany-two\n");
  EXPECT_EQ(complete(script, "fake report --against policy-t"), "policy-two\n");
}

TEST(Completion, ZshScriptIsValidZsh) {
  App app;
  const fs::path file = fs::temp_directory_path() / ("decree-zsh-test-" + std::to_string(::getpid()));
  const std::string script = zsh_script(describe(app.root));
  std::ofstream(file) << script;
  EXPECT_EQ(std::system(("zsh -n " + file.string()).c_str()), 0) << script;
  fs::remove(file);
  EXPECT_NE(script.find("'--brief[One line \\[each\\]: it'\\''s short]'"), std::string::npos) << script;
  EXPECT_NE(script.find("'1:policy:_decree_names policy'"), std::string::npos) << script;
  EXPECT_NE(script.find("'*:cases:_decree_names any'"), std::string::npos) << script;
  EXPECT_EQ(script.find("hidden"), std::string::npos);
}

TEST(Version, OneNumberForTheProgramAndItsDocuments) {
  const std::string version = engine::version();
  EXPECT_EQ(version.find_first_not_of("0123456789."), std::string::npos) << version;
  EXPECT_EQ(std::count(version.begin(), version.end(), '.'), 2) << version;
  EXPECT_EQ(std::string(engine::generator()), "decree " + version);
}

}  // namespace
}  // namespace decree::cli
