// Comments and seed values with non-ASCII text, quotes and backslashes round-trip exactly, and
// cannot become SQL, whatever the database's encoding or the role's session defaults.
#include <pqxx/pqxx>

#include "engine_fixture.hpp"

namespace {

// Text that breaks out of a literal under any rendering that is not exactly right: a quote, a
// backslash before a quote (which ends the literal when standard_conforming_strings is off), and
// characters that change length between encodings.
const std::string kLatin1Text = R"(café 'naïve' \' ); DROP TABLE canary; -- \\ "x")";
const std::string kChineseText = R"(中文 é 'quote' \' ); DROP TABLE canary; -- \ end)";

// A YAML single-quoted scalar: backslashes are literal, a quote is doubled.
std::string yamlQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Characters (code points) of UTF8 text: every byte but continuation bytes starts one.
size_t characters(const std::string& utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

std::string spec(const std::string& text) {
  return "  tables:\n"
         "    - name: canary\n"
         "      columns:\n"
         "        - {name: id, type: bigint}\n"
         "      primaryKey: [id]\n"
         "    - name: notes\n"
         "      comment: " + yamlQuoted(text) + "\n"
         "      columns:\n"
         "        - {name: id, type: bigint}\n"
         "        - {name: body, type: text, comment: " + yamlQuoted(text) + "}\n"
         "      primaryKey: [id]\n"
         "  seed:\n"
         "    - table: notes\n"
         "      rows:\n"
         "        - {id: 1, body: " + yamlQuoted(text) + "}\n";
}

class EncodingTest : public EngineTest {
 protected:
  // The engine over pg::connect, as `url` (a socket URL to `db`) logs in.
  void applyAndCheck(const std::string& db, const std::string& url, const std::string& text) {
    pg::ConnectionOptions options;
    options.url = url;
    auto conn = pg::connect(options);
    ASSERT_TRUE(conn) << conn.error().describe();
    pqxx::nontransaction(**conn).exec("CREATE TABLE canary (id bigint PRIMARY KEY); INSERT INTO canary VALUES (1), (2)");
    engine::Options run;
    run.apply = true;
    const auto r = resource(spec(text));
    auto report = engine::run(**conn, r, run);
    ASSERT_TRUE(report) << report.error().describe();
    ASSERT_FALSE(report->failure) << report->failure->statement << ": " << report->failure->message;
    EXPECT_TRUE(report->remaining.drift.empty()) << ::testing::PrintToString(drift(report->remaining));

    {
      // Read back over a UTF8 session, whatever the role would have chosen.
      pqxx::nontransaction tx(**conn);
      EXPECT_EQ(tx.exec("SELECT body FROM notes WHERE id = 1")[0][0].as<std::string>(), text);
      EXPECT_EQ(tx.exec("SELECT obj_description('notes'::regclass, 'pg_class')")[0][0].as<std::string>(), text);
      EXPECT_EQ(tx.exec("SELECT col_description('notes'::regclass, 2)")[0][0].as<std::string>(), text);
      // The same bytes back could still be the wrong characters stored (UTF8 bytes taken for
      // LATIN1 ones come back unchanged over the same session): the server counts characters.
      EXPECT_EQ(tx.exec("SELECT length(body) FROM notes WHERE id = 1")[0][0].as<size_t>(), characters(text));
      EXPECT_EQ(tx.exec("SELECT length(obj_description('notes'::regclass, 'pg_class'))")[0][0].as<size_t>(),
                characters(text));
      EXPECT_EQ(tx.exec("SELECT count(*) FROM canary")[0][0].as<int>(), 2);
      EXPECT_EQ(tx.exec("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0][0].as<int>(), 2);
    }

    // And a re-plan finds the values as declared: nothing was mangled on the way in or out.
    auto again = engine::run(**conn, r, engine::Options{});
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_TRUE(again->plan.drift.empty()) << ::testing::PrintToString(drift(again->plan));
  }
};

TEST_F(EncodingTest, ALatin1DatabaseKeepsCommentsAndSeedValuesExactly) {
  const std::string db = "latin1_" + db_;
  pgServer().exec("postgres", "CREATE DATABASE " + db + " ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
  applyAndCheck(db, pgServer().socketUrl(db), kLatin1Text);
}

TEST_F(EncodingTest, ARoleDefaultingToGbkAndBackslashEscapesKeepsThemExactly) {
  const std::string role = "gbk_" + db_;
  pgServer().exec("postgres", "CREATE ROLE " + role + " LOGIN; ALTER ROLE " + role +
                                  " SET client_encoding = 'GBK'; ALTER ROLE " + role +
                                  " SET standard_conforming_strings = off");
  const std::string db = "gbk_" + db_;
  pgServer().exec("postgres", "CREATE DATABASE " + db + " OWNER " + role);
  applyAndCheck(db, pgServer().socketUrl(db) + " user=" + role, kChineseText);
}

}  // namespace
