// libstdc++: iostreams, strings, containers, algorithms, exceptions across
// the shared library boundary, and a static constructor.
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
    virtual std::string name() const = 0;
};
struct Rect : Shape {
    double w, h;
    Rect(double w, double h) : w(w), h(h) {}
    double area() const override { return w * h; }
    std::string name() const override { return "rect"; }
};
struct Square : Rect {
    explicit Square(double s) : Rect(s, s) {}
    std::string name() const override { return "square"; }
};

static std::string greeting = std::string("static ") + "constructor ran";

int main()
{
    std::cout << greeting << '\n';
    std::vector<int> v(20);
    std::iota(v.begin(), v.end(), 1);
    std::reverse(v.begin(), v.end());
    std::sort(v.begin(), v.begin() + 10);
    std::cout << "sum " << std::accumulate(v.begin(), v.end(), 0) << ", first " << v.front() << '\n';

    std::map<std::string, int> words;
    std::istringstream in("the quick brown fox jumps over the lazy dog the end");
    for (std::string w; in >> w;) ++words[w];
    for (const auto &[w, n] : words) std::cout << w << '=' << n << ' ';
    std::cout << '\n';

    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.push_back(std::make_unique<Rect>(2, 3.5));
    shapes.push_back(std::make_unique<Square>(4));
    for (const auto &s : shapes) std::cout << s->name() << ' ' << s->area() << '\n';

    try {
        std::vector<int> small(3);
        (void)small.at(7);
    } catch (const std::out_of_range &e) {
        std::cout << "caught out_of_range\n";
    }
    try {
        throw std::runtime_error("thrown through libstdc++ and libgcc_s");
    } catch (const std::exception &e) {
        std::cout << "caught: " << e.what() << '\n';
    }
    std::ostringstream os;
    os.precision(10);
    os << 3.14159265358979 << ' ' << std::hex << 48879;
    std::cout << os.str() << std::endl;
    return 0;
}
