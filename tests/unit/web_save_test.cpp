// Saving an edited policy over its served file (web/save.cpp), without a server: in a folder of
// its own, a save writes exactly the text sent; a file changed on disk since it was loaded, a path
// that is not served or leaves the folder, a read-only server, a symbolic link and a text over the
// limit are each refused with a message and leave the disk as it was.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "web/api.hpp"
#include "web/save.hpp"
#include "web/workspace.hpp"

namespace decree::web {
namespace {

namespace fs = std::filesystem;

const std::string kPolicy =
    "policy small \"A small policy\"\n"
    "fact citizen: bool \"Holds USSR citizenship\"\n"
    "decision return: granted | refused\n"
    "  default refused\n"
    "rule grant \"Grant\":\n"
    "  when citizen\n"
    "  then return = granted\n";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

// A folder with one policy, served; the writer records what it was asked to write, then writes it.
struct Folder {
  fs::path dir;
  fs::path policy;
  std::vector<std::string> warnings;
  std::vector<std::pair<std::string, std::string>> writes;
  WriteFile writer = [this](const std::string& path, std::string_view text) {
    writes.emplace_back(path, std::string(text));
    write(path, std::string(text));
    return std::string();
  };

  Folder() {
    std::string pattern = (fs::temp_directory_path() / "decree-save-XXXXXX").string();
    dir = ::mkdtemp(pattern.data());
    fs::create_directories(dir / "policies");
    policy = dir / "policies" / "small.decree";
    write(policy, kPolicy);
  }
  ~Folder() { fs::remove_all(dir); }

  Workspace workspace(Limits limits = {}) { return Workspace({(dir / "policies").string()}, limits, warnings); }
  std::string path() const { return policy.lexically_normal().generic_string(); }
  nlohmann::json request(const std::string& text, const std::string& version) const {
    return {{"path", path()}, {"text", text}, {"version", version}};
  }
};

TEST(WebSave, WritesTheTextSentOverTheServedFile) {
  Folder f;
  auto ws = f.workspace();
  const auto loaded = Api(ws).handle("policy", nlohmann::json{{"path", f.path()}}.dump());
  ASSERT_EQ(loaded.status, 200) << loaded.body.dump();
  const std::string version = loaded.body["version"];
  EXPECT_EQ(version, text_version(kPolicy));

  const std::string edited = "# a comment of mine, kept as written\n" + kPolicy + "   \n";
  auto r = save_to_served(ws, f.request(edited, version), "", f.writer);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(read(f.policy), edited);
  ASSERT_EQ(f.writes.size(), 1u);
  EXPECT_EQ(f.writes[0].first, f.path());
  EXPECT_EQ(r.body["version"], text_version(edited));
  EXPECT_TRUE(r.body["ok"].get<bool>());
  EXPECT_EQ(r.body["errors"], 0);
}

TEST(WebSave, SavesAPolicyWithErrorsAndCountsThem) {
  Folder f;
  auto ws = f.workspace();
  const std::string broken = kPolicy + "  when citizn\n";
  auto r = save_to_served(ws, f.request(broken, text_version(kPolicy)), "", f.writer);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(read(f.policy), broken);
  EXPECT_FALSE(r.body["ok"].get<bool>());
  EXPECT_GE(r.body["errors"].get<int>(), 1);
}

TEST(WebSave, RefusesAFileChangedOnDiskSinceItWasLoaded) {
  Folder f;
  auto ws = f.workspace();
  const std::string theirs = kPolicy + "# changed by another editor\n";
  write(f.policy, theirs);
  auto r = save_to_served(ws, f.request("# mine\n" + kPolicy, text_version(kPolicy)), "", f.writer);
  EXPECT_EQ(r.status, 409);
  EXPECT_TRUE(r.body["stale"].get<bool>());
  EXPECT_EQ(r.body["disk_version"], text_version(theirs));
  EXPECT_NE(r.body["error"].get<std::string>().find("changed on disk since you opened it"), std::string::npos);
  EXPECT_TRUE(f.writes.empty());
  EXPECT_EQ(read(f.policy), theirs);

  fs::remove(f.policy);
  auto gone = save_to_served(ws, f.request(kPolicy, text_version(kPolicy)), "", f.writer);
  EXPECT_EQ(gone.status, 409);
  EXPECT_NE(gone.body["error"].get<std::string>().find("no longer on disk"), std::string::npos);
  EXPECT_FALSE(fs::exists(f.policy));
}

TEST(WebSave, RefusesAPathThatIsNotServedOrLeavesTheFolder) {
  Folder f;
  auto ws = f.workspace();
  write(f.dir / "outside.decree", kPolicy);
  const std::string version = text_version(kPolicy);
  const std::vector<std::string> paths = {
      (f.dir / "policies" / ".." / "outside.decree").string(),  // leaves the served folder
      "../" + f.path(),
      (f.dir / "outside.decree").string(),                      // beside it, never served
      (f.dir / "policies" / "new.decree").string(),             // in it, but not a served file
      "",
  };
  for (const auto& path : paths) {
    auto r = save_to_served(ws, {{"path", path}, {"text", "policy x \"X\"\n"}, {"version", version}}, "", f.writer);
    EXPECT_EQ(r.status, 403) << path << ": " << r.body.dump();
    EXPECT_TRUE(r.body["error"].is_string());
  }
  auto escape = save_to_served(ws, {{"path", paths[0]}, {"text", "x"}, {"version", version}}, "", f.writer);
  EXPECT_NE(escape.body["error"].get<std::string>().find("leaves the folders this server serves"), std::string::npos)
      << escape.body.dump();
  EXPECT_TRUE(f.writes.empty());
  EXPECT_EQ(read(f.dir / "outside.decree"), kPolicy);
  EXPECT_FALSE(fs::exists(f.dir / "policies" / "new.decree"));
}

TEST(WebSave, ARequestWithoutItsPartsIsRefused) {
  Folder f;
  auto ws = f.workspace();
  auto r = save_to_served(ws, {{"path", f.path()}, {"text", kPolicy}}, "", f.writer);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body["error"].get<std::string>().find("`version`"), std::string::npos);
  EXPECT_TRUE(f.writes.empty());
}

TEST(WebSave, AReadOnlyServerSavesNothingAndSaysWhy) {
  Folder f;
  auto ws = f.workspace();
  auto r = save_to_served(ws, f.request("# mine\n" + kPolicy, text_version(kPolicy)), "it was started with --read-only",
                          f.writer);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body["error"].get<std::string>().find("--read-only"), std::string::npos);
  EXPECT_TRUE(f.writes.empty());
  EXPECT_EQ(read(f.policy), kPolicy);
  const auto status = save_status(ws, "it was started with --read-only");
  EXPECT_FALSE(status["enabled"].get<bool>());
  EXPECT_EQ(status["why"], "it was started with --read-only");
  EXPECT_TRUE(save_status(ws, "")["enabled"].get<bool>());
}

TEST(WebSave, DoesNotWriteThroughASymbolicLink) {
  Folder f;
  write(f.dir / "target.decree", kPolicy);
  fs::create_symlink(f.dir / "target.decree", f.dir / "policies" / "linked.decree");
  auto ws = f.workspace();
  const std::string linked = (f.dir / "policies" / "linked.decree").lexically_normal().generic_string();
  const auto status = save_status(ws, "");
  ASSERT_TRUE(status["files"].contains(linked)) << status.dump();
  auto r = save_to_served(ws, {{"path", linked}, {"text", "# mine\n" + kPolicy}, {"version", text_version(kPolicy)}}, "",
                          f.writer);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body["error"].get<std::string>().find("symbolic link"), std::string::npos);
  EXPECT_TRUE(fs::is_symlink(f.dir / "policies" / "linked.decree"));
  EXPECT_EQ(read(f.dir / "target.decree"), kPolicy);
}

TEST(WebSave, RefusesATextOverTheLimit) {
  Folder f;
  Limits limits;
  limits.max_policy_bytes = 300;
  auto ws = f.workspace(limits);
  auto r = save_to_served(ws, f.request(kPolicy + std::string(300, '#'), text_version(kPolicy)), "", f.writer);
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body["error"].get<std::string>().find("at most 300 bytes"), std::string::npos);
  EXPECT_EQ(read(f.policy), kPolicy);
}

TEST(WebSave, AWriterThatFailsLeavesTheFileAndSaysWhy) {
  Folder f;
  auto ws = f.workspace();
  WriteFile failing = [](const std::string&, std::string_view) { return std::string("cannot replace the file: No space left on device"); };
  auto r = save_to_served(ws, f.request("# mine\n" + kPolicy, text_version(kPolicy)), "", failing);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body["error"].get<std::string>().find("No space left on device"), std::string::npos);
  EXPECT_EQ(read(f.policy), kPolicy);
}

}  // namespace
}  // namespace decree::web
