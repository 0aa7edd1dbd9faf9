// svg_geometry.hpp: the text elements of an SVG that gnuplot wrote, with their estimated extent, to
// check a figure's geometry: every text inside the canvas, the axes labelled, tick labels distinct.
#pragma once

#include <cgp/report/plot.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>
#include <unistd.h>

namespace cgp::test {

struct SvgText {
    std::string text, anchor;
    double x = 0, y = 0, size = 12;
    bool vertical = false; // rotate(270)
    bool boxed = false;    // drawn on a text box (heat-map cells)
    // The estimated extent: 0.6 em per character (wider than sans's average), one em high.
    double left() const { return vertical ? x - size : x - before(); }
    double right() const { return vertical ? x : x + width() - before(); }
    double top() const { return vertical ? y - width() + before() : y - size; }
    double bottom() const { return vertical ? y + before() : y + 0.3 * size; }
    double width() const
    {
        std::size_t chars = 0;
        for (char c : text)
            chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        return 0.6 * size * static_cast<double>(chars);
    }
    double before() const { return anchor == "end" ? width() : anchor == "middle" ? width() / 2 : 0.0; }
};

struct Svg {
    double width = 0, height = 0;
    std::vector<SvgText> texts;
};

inline std::string unescape_xml(std::string s)
{
    const std::pair<const char*, const char*> entities[] = {{"&lt;", "<"},   {"&gt;", ">"},  {"&quot;", "\""},
                                                            {"&apos;", "'"}, {"&#39;", "'"}, {"&amp;", "&"}};
    for (const auto& [from, to] : entities)
        for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1))
            s.replace(at, std::string(from).size(), to);
    return s;
}

inline Svg read_svg(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string svg = ss.str();
    Svg out;
    std::smatch m;
    if (std::regex_search(svg, m, std::regex(R"re(viewBox="0 0 ([0-9.]+) ([0-9.]+)")re"))) {
        out.width = std::stod(m[1]);
        out.height = std::stod(m[2]);
    }
    // gnuplot: <g transform="translate(X,Y)[ rotate(R)]" ... font-size="S" text-anchor="A"[ style=...]>
    //          <text>TEXT</text> (possibly several <tspan>s)
    const std::regex group(
        R"re(<g transform="translate\(([-0-9.]+),([-0-9.]+)\)( rotate\((-?[0-9.]+)\))?"([^>]*)>\s*<text>([\s\S]*?)</text>)re");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), group); it != std::sregex_iterator(); ++it) {
        const std::smatch& g = *it;
        SvgText t;
        t.x = std::stod(g[1]);
        t.y = std::stod(g[2]);
        t.vertical = g[4].matched && std::abs(std::stod(g[4])) == 270.0;
        const std::string attrs = g[5];
        std::smatch a;
        if (std::regex_search(attrs, a, std::regex(R"re(font-size="([0-9.]+)")re")))
            t.size = std::stod(a[1]);
        t.anchor = std::regex_search(attrs, a, std::regex(R"re(text-anchor="([a-z]+)")re")) ? a[1].str() : "start";
        t.boxed = attrs.find("textbox") != std::string::npos;
        t.text = unescape_xml(std::regex_replace(g[6].str(), std::regex("<[^>]*>"), ""));
        if (!t.text.empty())
            out.texts.push_back(t);
    }
    return out;
}

// The texts that lie (by their estimated extent) outside the canvas, as "text (left, top, right, bottom)".
inline std::vector<std::string> texts_outside(const Svg& svg)
{
    std::vector<std::string> out;
    for (const SvgText& t : svg.texts)
        if (t.left() < 0 || t.top() < 0 || t.right() > svg.width || t.bottom() > svg.height)
            out.push_back(t.text + " (" + std::to_string(t.left()) + ", " + std::to_string(t.top()) + ", " +
                          std::to_string(t.right()) + ", " + std::to_string(t.bottom()) + ")");
    return out;
}

// Tick labels: the unboxed texts of one row (middle-anchored, same y) or one column (end- or
// start-anchored, same x). Returns the labels that repeat within a row or column.
inline std::vector<std::string> repeated_tick_labels(const Svg& svg)
{
    std::map<std::string, std::vector<std::string>> groups;
    for (const SvgText& t : svg.texts)
        if (!t.boxed && !t.vertical)
            groups[t.anchor == "middle" ? "y" + std::to_string(t.y) : t.anchor + std::to_string(t.x)].push_back(t.text);
    std::vector<std::string> repeated;
    for (const auto& [key, labels] : groups) {
        std::set<std::string> seen;
        for (const std::string& l : labels)
            if (!seen.insert(l).second)
                repeated.push_back(l);
    }
    return repeated;
}

inline bool has_text(const Svg& svg, const std::string& text)
{
    for (const SvgText& t : svg.texts)
        if (t.text == text)
            return true;
    return false;
}

// The texts of one row of middle-anchored labels below the plot (the x tick labels): those with the
// largest y among the texts that share their y with at least one other.
inline std::vector<std::string> bottom_row(const Svg& svg, double below)
{
    std::map<double, std::vector<std::string>> rows;
    for (const SvgText& t : svg.texts)
        if (t.anchor == "middle" && !t.vertical && !t.boxed && t.y > below)
            rows[t.y].push_back(t.text);
    for (auto it = rows.begin(); it != rows.end(); ++it)
        if (it->second.size() >= 2)
            return it->second;
    return {};
}

// A fresh folder under the temporary directory, removed with everything in it.
struct TempFolder {
    std::filesystem::path path;
    TempFolder()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "cgp-figure-test-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~TempFolder() { std::filesystem::remove_all(path); }
};

inline bool have_gnuplot()
{
    return !find_program("gnuplot").empty();
}

} // namespace cgp::test
