// check_outputs_apart: files compared by identity, also before they exist, and output folders.
#include <cgp/io/error.hpp>
#include <cgp/io/file_identity.hpp>

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace cgp;

namespace {

struct Folder {
    fs::path dir = fs::temp_directory_path() / fmt::format("cgp-identity-test-{}", ::getpid());
    Folder()
    {
        fs::remove_all(dir);
        fs::create_directories(dir / "sub");
        std::ofstream(dir / "data.csv") << "a\n";
        fs::create_symlink(dir / "data.csv", dir / "link.csv");
    }
    ~Folder() { fs::remove_all(dir); }
};

std::string refusal(const std::vector<NamedFile>& in, const std::vector<NamedFile>& out,
                    const std::vector<NamedFile>& folders = {}, const std::vector<SharedFile>& allowed = {})
{
    try {
        check_outputs_apart(in, out, folders, allowed);
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

} // namespace

BOOST_AUTO_TEST_SUITE(file_identity)

BOOST_AUTO_TEST_CASE(an_output_is_the_input_whatever_its_spelling_or_links)
{
    Folder f;
    const std::vector<NamedFile> in{{"--data", f.dir / "data.csv"}};
    BOOST_TEST(refusal(in, {{"--loss-csv", f.dir / "sub" / ".." / "data.csv"}}).find("is the same file as --data") !=
               std::string::npos);
    BOOST_TEST(!refusal(in, {{"--loss-csv", f.dir / "link.csv"}}).empty());
    BOOST_TEST(refusal(in, {{"--loss-csv", f.dir / "other.csv"}}).empty());
    BOOST_TEST(refusal(in, {{"--checkpoint", f.dir / "data.csv"}}, {}, {{"--data", "--checkpoint"}}).empty());
    BOOST_TEST(refusal(in, {{"--loss-csv", ""}}).empty());
}

BOOST_AUTO_TEST_CASE(two_outputs_that_do_not_exist_yet_are_one_file_by_folder_and_name)
{
    Folder f;
    const std::string m = refusal({}, {{"--loss-csv", f.dir / "new.out"}, {"--checkpoint", f.dir / "sub/../new.out"}});
    BOOST_TEST(m.find("--checkpoint") != std::string::npos);
    BOOST_TEST(m.find("is the same file as --loss-csv") != std::string::npos);
    BOOST_TEST(m.find("hint: give --checkpoint another file name") != std::string::npos);
    BOOST_TEST(refusal({}, {{"--loss-csv", f.dir / "a.out"}, {"--checkpoint", f.dir / "b.out"}}).empty());
}

BOOST_AUTO_TEST_CASE(no_input_or_output_may_lie_inside_an_output_folder)
{
    Folder f;
    BOOST_TEST(refusal({{"--data", f.dir / "data.csv"}}, {}, {{"--out", f.dir}}).find("lies inside --out") !=
               std::string::npos);
    BOOST_TEST(!refusal({{"--data", f.dir / "link.csv"}}, {}, {{"--out", f.dir / "sub" / ".."}}).empty());
    BOOST_TEST(!refusal({}, {{"--loss-csv", f.dir / "new" / "x.csv"}}, {{"--out", f.dir / "new"}}).empty());
    BOOST_TEST(refusal({{"--data", f.dir / "data.csv"}}, {}, {{"--out", f.dir / "sub"}}).empty());
    BOOST_TEST(refusal({{"--data", f.dir / "data.csv"}}, {}, {{"--out", f.dir / "subx"}}).empty());
}

BOOST_AUTO_TEST_SUITE_END()
