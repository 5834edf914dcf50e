// The runtime directory: private and unique by default, gone at the end; files only ever created
// new, never through a symlink, never one found there.
#include "controller/runtime_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RuntimeDir, TheDefaultIsAFreshDirectoryOnlyItsUserCanEnterRemovedAtTheEnd) {
  std::string first;
  std::string file;
  {
    auto a = controller::RuntimeDir::makePrivate();
    auto b = controller::RuntimeDir::makePrivate();
    ASSERT_TRUE(a) << a.error().describe();
    ASSERT_TRUE(b) << b.error().describe();
    first = (*a)->path();
    EXPECT_NE(first, (*b)->path());
    EXPECT_NE(first, "/tmp/schema-operator");
    struct stat st{};
    ASSERT_EQ(::lstat(first.c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    EXPECT_EQ(st.st_uid, ::getuid());
    auto written = (*a)->fileWith("ca", "PEM", ".crt");
    ASSERT_TRUE(written) << written.error().describe();
    file = *written;
    EXPECT_EQ(slurp(file), "PEM");
    EXPECT_EQ(fs::status(file).permissions(), fs::perms::owner_read | fs::perms::owner_write);
    // The same content is the same file: a connection's options stay the same.
    EXPECT_EQ(*(*a)->fileWith("ca", "PEM", ".crt"), file);
    EXPECT_NE(*(*a)->fileWith("ca", "other PEM", ".crt"), file);
  }
  EXPECT_FALSE(fs::exists(file));
  EXPECT_FALSE(fs::exists(first));
}

class GivenRuntimeDir : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = ::testing::TempDir() + "/runtime-dir-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(base_);
    fs::create_directories(base_ + "/dir");
    std::ofstream(base_ + "/outside") << "outside";
  }
  void TearDown() override { fs::remove_all(base_); }
  std::string base_;
};

TEST_F(GivenRuntimeDir, AFileOrSymlinkAlreadyThereIsNeitherReadNorFollowed) {
  auto dir = controller::RuntimeDir::use(base_ + "/dir");
  ASSERT_TRUE(dir) << dir.error().describe();
  // Where the first two names would be: a planted file and a symlink to a file outside.
  auto probe = controller::RuntimeDir::makePrivate();
  const std::string name = fs::path(*(*probe)->fileWith("ca", "PEM", ".crt")).filename();
  const std::string stem = name.substr(0, name.size() - 4);  // ca-<hash>
  std::ofstream(base_ + "/dir/" + name) << "planted";
  fs::create_symlink(base_ + "/outside", base_ + "/dir/" + stem + "-1.crt");

  auto written = (*dir)->fileWith("ca", "PEM", ".crt");
  ASSERT_TRUE(written) << written.error().describe();
  EXPECT_EQ(*written, base_ + "/dir/" + stem + "-2.crt");
  EXPECT_EQ(slurp(*written), "PEM");
  EXPECT_EQ(slurp(base_ + "/dir/" + name), "planted");
  EXPECT_EQ(slurp(base_ + "/outside"), "outside");

  dir->reset();  // only its own file goes; the directory it was given stays
  EXPECT_FALSE(fs::exists(*written));
  EXPECT_TRUE(fs::exists(base_ + "/dir/" + name));
}

TEST_F(GivenRuntimeDir, ASymlinkedDirectoryIsRefused) {
  fs::create_directory_symlink(base_ + "/dir", base_ + "/link");
  auto dir = controller::RuntimeDir::use(base_ + "/link");
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().field, "--runtime-dir");
}

TEST_F(GivenRuntimeDir, AnotherUsersDirectoryIsRefused) {
  // Whoever owns the directory could swap the CA file after it was written.
  if (::geteuid() != 0) GTEST_SKIP() << "only root can give a directory to another user";
  ASSERT_EQ(::chown((base_ + "/dir").c_str(), 4242, 4242), 0);
  auto dir = controller::RuntimeDir::use(base_ + "/dir");
  ASSERT_FALSE(dir);
  EXPECT_NE(dir.error().message.find("belongs to another user"), std::string::npos) << dir.error().message;
}

TEST_F(GivenRuntimeDir, AMissingDirectoryIsMadePrivate) {
  auto dir = controller::RuntimeDir::use(base_ + "/new/runtime");
  ASSERT_TRUE(dir) << dir.error().describe();
  EXPECT_EQ(fs::status(base_ + "/new/runtime").permissions(), fs::perms::owner_all);
}

}  // namespace
