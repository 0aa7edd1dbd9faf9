// read_entry_fields: the plugin entry's integer fields, read from the ELF file (<elf.h>) without
// loading it. Only what the host needs is parsed: the ELF header, the section headers (to find
// .dynsym and its string table) and the program headers (to map the symbol's address to the file).
#include "entry_reader.hpp"

#include <cgp/io/error.hpp>
#include <cgp/sdk/abi.h>

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cstddef>
#include <cstring>
#include <elf.h>
#include <fstream>
#include <iterator>
#include <string_view>
#include <vector>

namespace cgp {

namespace {

namespace fs = std::filesystem;

#if defined(__x86_64__)
constexpr std::uint16_t kMachine = EM_X86_64;
constexpr const char* kMachineName = "x86-64";
#elif defined(__aarch64__)
constexpr std::uint16_t kMachine = EM_AARCH64;
constexpr const char* kMachineName = "aarch64";
#else
#error "read_entry_fields knows x86-64 and aarch64 only"
#endif
static_assert(sizeof(void*) == 8, "plugins are 64-bit ELF files");

constexpr const char* kLoadHint =
    "a plugin is a .so built with cgp_add_plugin(); check the path and that it was built for this system";

[[noreturn]] void not_loadable(const fs::path& path, const std::string& why)
{
    throw Error(
        fmt::format("plugin '{}': cannot be loaded as a shared library ({})\nhint: {}", path.string(), why, kLoadHint));
}

// The file's bytes with bounds-checked reads; a read past the end is a truncated file.
class Image {
public:
    explicit Image(const fs::path& path) : path_(path)
    {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            not_loadable(path, "cannot be opened for reading");
        bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::size_t size() const noexcept { return bytes_.size(); }

    template <class T>
    T read(std::uint64_t offset, const char* what) const
    {
        if (offset > bytes_.size() || bytes_.size() - offset < sizeof(T))
            not_loadable(path_, fmt::format("truncated ELF file: its {} at byte {} lies past its end ({} bytes)", what,
                                            offset, bytes_.size()));
        T value;
        std::memcpy(&value, bytes_.data() + offset, sizeof(T));
        return value;
    }
    // The NUL-terminated string at offset, up to limit (the string table's end).
    std::string_view string(std::uint64_t offset, std::uint64_t limit) const
    {
        if (limit > bytes_.size() || offset >= limit)
            return {};
        const char* begin = bytes_.data() + offset;
        const void* nul = std::memchr(begin, '\0', limit - offset);
        return nul != nullptr ? std::string_view(begin, static_cast<const char*>(nul) - begin) : std::string_view{};
    }

private:
    const fs::path& path_;
    std::vector<char> bytes_;
};

[[noreturn]] void no_entry(const fs::path& path)
{
    throw Error(fmt::format("plugin '{}': no entry symbol '{}': not a cgp optimizer plugin\nhint: plugins define it "
                            "with CGP_REGISTER_OPTIMIZER(Class) from <cgp/sdk/optimizer.hpp>",
                            path.string(), CGP_PLUGIN_ENTRY_SYMBOL));
}

void check_header(const fs::path& path, const Image& image, const Elf64_Ehdr& eh)
{
    if (eh.e_ident[EI_CLASS] != ELFCLASS64)
        not_loadable(path, fmt::format("an ELF file of class {}, not 64-bit: built for another system",
                                       eh.e_ident[EI_CLASS] == ELFCLASS32 ? "32-bit" : "unknown"));
    constexpr unsigned char native = std::endian::native == std::endian::little ? ELFDATA2LSB : ELFDATA2MSB;
    if (eh.e_ident[EI_DATA] != native)
        not_loadable(path, fmt::format("a {} ELF file; this CPU is {}",
                                       eh.e_ident[EI_DATA] == ELFDATA2MSB   ? "big-endian"
                                       : eh.e_ident[EI_DATA] == ELFDATA2LSB ? "little-endian"
                                                                            : "unknown-endian",
                                       native == ELFDATA2LSB ? "little-endian" : "big-endian"));
    if (eh.e_type != ET_DYN)
        not_loadable(path, fmt::format("ELF type {}, not a shared object", eh.e_type));
    if (eh.e_machine != kMachine)
        not_loadable(path, fmt::format("built for ELF machine {}, this is {}", eh.e_machine, kMachineName));
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_phentsize != sizeof(Elf64_Phdr))
        not_loadable(path, "unexpected ELF header table entry sizes");
    if (eh.e_shoff > image.size() || eh.e_phoff > image.size())
        not_loadable(path,
                     fmt::format("truncated ELF file: its header tables lie past its end ({} bytes)", image.size()));
}

// The file offset of [vaddr, vaddr + size) through the PT_LOAD segment holding it, file-backed.
std::uint64_t file_offset(const fs::path& path, const Image& image, const Elf64_Ehdr& eh, std::uint64_t vaddr,
                          std::uint64_t size)
{
    for (std::uint16_t i = 0; i < eh.e_phnum; ++i) {
        const auto ph = image.read<Elf64_Phdr>(eh.e_phoff + std::uint64_t{i} * sizeof(Elf64_Phdr), "program header");
        if (ph.p_type != PT_LOAD || vaddr < ph.p_vaddr || vaddr - ph.p_vaddr > ph.p_filesz ||
            ph.p_filesz - (vaddr - ph.p_vaddr) < size)
            continue;
        return ph.p_offset + (vaddr - ph.p_vaddr);
    }
    throw Error(fmt::format("plugin '{}': the entry symbol '{}' lies outside the file's loaded data (is it "
                            "initialised at run time?)\nhint: define it with CGP_REGISTER_OPTIMIZER(Class), a "
                            "constant initialiser",
                            path.string(), CGP_PLUGIN_ENTRY_SYMBOL));
}

} // namespace

EntryFields read_entry_fields(const fs::path& path)
{
    const Image image(path);
    if (image.size() < SELFMAG ||
        image.read<std::array<char, SELFMAG>>(0, "ELF header") != std::array<char, SELFMAG>{ELFMAG0, 'E', 'L', 'F'})
        not_loadable(path, "not an ELF file");
    const auto eh = image.read<Elf64_Ehdr>(0, "ELF header");
    check_header(path, image, eh);

    for (std::uint16_t i = 0; i < eh.e_shnum; ++i) {
        const auto sh = image.read<Elf64_Shdr>(eh.e_shoff + std::uint64_t{i} * sizeof(Elf64_Shdr), "section header");
        if (sh.sh_type != SHT_DYNSYM)
            continue;
        if (sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_link >= eh.e_shnum)
            not_loadable(path, "malformed dynamic symbol table");
        const auto strtab =
            image.read<Elf64_Shdr>(eh.e_shoff + std::uint64_t{sh.sh_link} * sizeof(Elf64_Shdr), "section header");
        const std::uint64_t strings_end = strtab.sh_offset + strtab.sh_size;
        if (strings_end > image.size() || sh.sh_offset + sh.sh_size > image.size())
            not_loadable(
                path, fmt::format("truncated ELF file: its dynamic symbols lie past its end ({} bytes)", image.size()));
        for (std::uint64_t k = 0; k < sh.sh_size / sizeof(Elf64_Sym); ++k) {
            const auto sym = image.read<Elf64_Sym>(sh.sh_offset + k * sizeof(Elf64_Sym), "dynamic symbol");
            if (sym.st_shndx == SHN_UNDEF ||
                image.string(strtab.sh_offset + sym.st_name, strings_end) != CGP_PLUGIN_ENTRY_SYMBOL)
                continue;
            constexpr std::uint64_t kIntegers = 3 * sizeof(std::uint32_t);
            if (ELF64_ST_TYPE(sym.st_info) != STT_OBJECT || sym.st_size < kIntegers)
                throw Error(fmt::format("plugin '{}': '{}' is not a cgp_plugin_entry_t object ({} of {} bytes)\n"
                                        "hint: define it with CGP_REGISTER_OPTIMIZER(Class)",
                                        path.string(), CGP_PLUGIN_ENTRY_SYMBOL,
                                        ELF64_ST_TYPE(sym.st_info) == STT_FUNC ? "a function" : "a symbol",
                                        sym.st_size));
            const std::uint64_t at = file_offset(path, image, eh, sym.st_value, kIntegers);
            EntryFields f;
            f.abi_major = image.read<std::uint32_t>(at + offsetof(cgp_plugin_entry_t, abi_major), "entry symbol");
            f.abi_minor = image.read<std::uint32_t>(at + offsetof(cgp_plugin_entry_t, abi_minor), "entry symbol");
            f.isa_required = image.read<std::uint32_t>(at + offsetof(cgp_plugin_entry_t, isa_required), "entry symbol");
            return f;
        }
    }
    no_entry(path);
}

} // namespace cgp
