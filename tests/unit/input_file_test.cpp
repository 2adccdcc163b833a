// Reading users' files with a bound (dsl/input_file.hpp): regular files, files over the limit
// (refused by their size, unread), endless devices (refused having read the limit and one piece),
// and pipes, read once and kept so that a peek and the read after it see the same bytes.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsl/input_file.hpp"

namespace decree::dsl {
namespace {

namespace fs = std::filesystem;
using Problem = InputFile::Problem;

class InputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("decree-input-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  fs::path dir_;
};

TEST_F(InputFileTest, ReadsAFileUpToTheLimit) {
  auto path = write("a.yaml", "id: a\n");
  auto r = read_input(path, 6);
  ASSERT_EQ(r.problem, Problem::None);
  EXPECT_EQ(*r.text, "id: a\n");
  r = read_input(path, 5);
  EXPECT_EQ(r.problem, Problem::TooLarge);
  EXPECT_EQ(r.size, 6u);
  EXPECT_FALSE(r.text);
}

TEST_F(InputFileTest, MissingAndFolder) {
  EXPECT_EQ(read_input((dir_ / "nope").string(), 100).problem, Problem::Missing);
  EXPECT_EQ(read_input((dir_ / "nope" / "deeper").string(), 100).problem, Problem::Missing);
  EXPECT_EQ(read_input(dir_.string(), 100).problem, Problem::Directory);
  EXPECT_FALSE(peek_input((dir_ / "nope").string(), 100));
}

// A 2 GiB file without a newline (sparse: it takes no disk) is refused by its size, unread.
TEST_F(InputFileTest, HugeFileRefusedBySize) {
  fs::path p = dir_ / "huge.yaml";
  { std::ofstream(p) << ""; }
  fs::resize_file(p, std::uint64_t{2} << 30);
  auto r = read_input(p.string(), 64u << 20);
  EXPECT_EQ(r.problem, Problem::TooLarge);
  EXPECT_EQ(r.size, std::uint64_t{2} << 30);
  // The look at its beginning reads only what it asks for.
  auto head = peek_input(p.string(), 1000);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size(), 1000u);
}

// A device without end is refused having read the limit and one piece, never more.
TEST_F(InputFileTest, EndlessDeviceRefused) {
  auto r = read_input("/dev/zero", 1u << 20);
  EXPECT_EQ(r.problem, Problem::TooLarge);
  EXPECT_FALSE(r.size);
  auto head = peek_input("/dev/zero", 4096);
  ASSERT_TRUE(head);
  EXPECT_EQ(*head, std::string(4096, '\0'));
}

TEST_F(InputFileTest, PeekThenReadAPipeSeesTheSameBytes) {
  fs::path fifo = dir_ / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + "\n";  // far more than a pipe holds
  std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << text; });
  auto head = peek_input(fifo.string(), 100);
  auto whole = read_input(fifo.string(), 1u << 20);
  auto again = read_input(fifo.string(), 1u << 20);
  writer.join();
  ASSERT_TRUE(head);
  EXPECT_EQ(*head, text.substr(0, 100));
  ASSERT_EQ(whole.problem, Problem::None);
  EXPECT_EQ(*whole.text, text);
  ASSERT_EQ(again.problem, Problem::None);
  EXPECT_EQ(*again.text, text);
}

TEST_F(InputFileTest, APipeOverTheLimitIsRefused) {
  fs::path fifo = dir_ / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    int fd = ::open(fifo.c_str(), O_WRONLY);
    std::string piece(1 << 16, 'a');
    // Writes until the reader stops reading (EPIPE once it has closed its end).
    ::signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < 64; ++i)
      if (::write(fd, piece.data(), piece.size()) < 0) break;
    ::close(fd);
  });
  auto r = read_input(fifo.string(), 1u << 20);
  writer.join();
  EXPECT_EQ(r.problem, Problem::TooLarge);
  EXPECT_FALSE(r.size);
}

TEST(InputFileNames, StandardInput) {
  EXPECT_TRUE(is_standard_input("-"));
  EXPECT_FALSE(is_standard_input("./-x"));
  EXPECT_EQ(shown_name("-"), "<stdin>");
  EXPECT_EQ(shown_name("cases/a.yaml"), "cases/a.yaml");
}

}  // namespace
}  // namespace decree::dsl
