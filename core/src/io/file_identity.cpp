// check_outputs_apart: outputs compared with inputs and with each other by device and inode.
#include <cgp/io/error.hpp>
#include <cgp/io/file_identity.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <sys/stat.h>

namespace cgp {
namespace fs = std::filesystem;

namespace {

// A file's identity: its device and inode when it exists, else its folder's and its name.
struct Identity {
    dev_t device = 0;
    ino_t inode = 0;
    std::string name; // empty for an existing file
    bool operator==(const Identity&) const = default;
};

std::optional<Identity> identity_of(const fs::path& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0)
        return Identity{st.st_dev, st.st_ino, {}};
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (!path.has_filename() || ::stat(folder.c_str(), &st) != 0)
        return std::nullopt; // its folder is missing too: check_output_path refuses it
    return Identity{st.st_dev, st.st_ino, path.filename().string()};
}

// Whether `path` lies inside the folder `folder` (following links).
bool inside(const fs::path& path, const fs::path& folder)
{
    const auto target = identity_of(folder);
    if (!target)
        return false;
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec)
        return false;
    while (p.has_relative_path()) {
        p = p.parent_path();
        if (identity_of(p) == target)
            return true;
    }
    return false;
}

bool is_allowed(const std::vector<SharedFile>& allowed, const std::string& input, const std::string& output)
{
    return std::any_of(allowed.begin(), allowed.end(),
                       [&](const SharedFile& s) { return s.input == input && s.output == output; });
}

[[noreturn]] void refuse(const NamedFile& output, const NamedFile& other, std::string_view relation)
{
    throw Error(fmt::format("{} {} {} {} {}: the run would overwrite it\nhint: give {} another file name",
                            output.option, output.path.string(), relation, other.option, other.path.string(),
                            output.option));
}

} // namespace

void check_outputs_apart(const std::vector<NamedFile>& inputs, const std::vector<NamedFile>& outputs,
                         const std::vector<NamedFile>& output_folders, const std::vector<SharedFile>& allowed)
{
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const NamedFile& out = outputs[i];
        if (out.path.empty())
            continue;
        const auto id = identity_of(out.path);
        struct stat st {};
        if (!id || (::stat(out.path.c_str(), &st) == 0 && S_ISCHR(st.st_mode)))
            continue; // written in place and never replaced: /dev/null may take every output
        for (const NamedFile& in : inputs)
            if (!in.path.empty() && identity_of(in.path) == id && !is_allowed(allowed, in.option, out.option))
                refuse(out, in, "is the same file as");
        for (std::size_t j = 0; j < i; ++j)
            if (!outputs[j].path.empty() && identity_of(outputs[j].path) == id)
                refuse(out, outputs[j], "is the same file as");
    }
    for (const NamedFile& folder : output_folders) {
        if (folder.path.empty())
            continue;
        for (const auto* list : {&inputs, &outputs})
            for (const NamedFile& f : *list)
                if (!f.path.empty() && inside(f.path, folder.path))
                    throw Error(fmt::format("{} {} lies inside {} {}, which the run replaces whole\nhint: give {} a "
                                            "folder that holds none of the run's files",
                                            f.option, f.path.string(), folder.option, folder.path.string(),
                                            folder.option));
    }
}

} // namespace cgp
