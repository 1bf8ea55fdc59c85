"""Font roles → installed font files, and the prepared (pre-subset) copies WeasyPrint embeds.

Each GB/T 9704 element has a font role (title = 小标宋, body = 仿宋, heading1 = 黑体, ...). A role
resolves to the official font when fontconfig knows one, else to an open fallback from Debian's
fonts-noto-cjk / fonts-lxgw-wenkai / fonts-arphic-ukai. ``prepare_fonts()`` writes a small TrueType subset of each
resolved font (GB2312 repertoire plus punctuation, no layout or vertical tables) into a cache
folder; subsetting the full 65k-glyph CFF font on every render would cost seconds per page.
Characters outside the subset (𠮷, 龘 in names) are cut from the full font into tiny TrueType
fonts at render time (``docgen.rare_glyphs``); the full system font stays last in the stack.
"""

from __future__ import annotations

import hashlib
import io
import locale
import os
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from struct import error as struct_error

from docgen import atomic
from docgen.errors import DependencyError, ValidationError
from docgen.locks import exclusive

#: Bump when the repertoire or the conversion changes: prepared files get new names.
SUBSET_VERSION = 1
FONT_DIR_ENV = "DOCGEN_FONT_DIR"


@dataclass(frozen=True)
class FontSource:
    """A font face inside a file (``index`` selects the face of a .ttc collection)."""

    family: str
    file: Path
    index: int = 0


@dataclass(frozen=True)
class RoleSpec:
    role: str
    label: str  # Chinese name shown in reports
    official: tuple[str, ...]  # family names of the official fonts, best first
    fallback: tuple[str, str, int]  # (family, file name under the system font dirs, ttc index)
    bold: bool = False
    better: tuple[str, str, int] | None = None  # an open face preferred when installed

    @property
    def open_face(self) -> tuple[str, str, int]:
        """The open fallback to use: ``better`` when its file is installed, else ``fallback``."""
        if self.better is not None and Path(self.better[1]).exists():
            return self.better
        return self.fallback

    def substitution(self, family: str) -> str:
        """What a report says when ``family`` stands in for the official face (Chinese)."""
        note = f"未安装{self.official[0]}，以 {family} 代替"
        if self.official[0] == "仿宋_GB2312":
            note += "（宋体风格的字形，并非仿宋）"
        return note


_NOTO = "/usr/share/fonts/opentype/noto/"
_SERIF = ("Noto Serif CJK SC", _NOTO + "NotoSerifCJK-Regular.ttc", 2)
_SERIF_BOLD = ("Noto Serif CJK SC Bold", _NOTO + "NotoSerifCJK-Bold.ttc", 2)
_SANS = ("Noto Sans CJK SC", _NOTO + "NotoSansCJK-Regular.ttc", 2)
_KAI = ("AR PL UKai CN", "/usr/share/fonts/truetype/arphic/ukai.ttc", 0)
# 霞鹜文楷 (fonts-lxgw-wenkai) over AR PL UKai for 楷体: UKai centres “，。：” in the em box (the
# Taiwan convention), WenKai sets them low left as GB/T 15834 wants; both cover GB2312.
_WENKAI = ("LXGW WenKai", "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf", 0)
_FANGSONG = ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "方正仿宋_GBK", "FZFangSong-Z02")
_KAITI = ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "方正楷体_GBK", "FZKai-Z03")

ROLES: dict[str, RoleSpec] = {
    spec.role: spec
    for spec in (
        RoleSpec(
            "title",
            "标题（小标宋）",
            ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "FZXiaoBiaoSong-B05"),
            _SERIF_BOLD,
            bold=True,
        ),
        RoleSpec("body", "正文（仿宋）", _FANGSONG, _SERIF),
        RoleSpec(
            "heading1", "一级标题（黑体）", ("黑体", "SimHei", "方正黑体_GBK", "FZHei-B01"), _SANS
        ),
        RoleSpec("heading2", "二级标题（楷体）", _KAITI, _KAI, better=_WENKAI),
        RoleSpec("heading3", "三级标题（仿宋）", _FANGSONG, _SERIF),
        RoleSpec("heading4", "四级标题（仿宋）", _FANGSONG, _SERIF),
        RoleSpec("page_number", "页码（宋体）", ("宋体", "SimSun"), _SERIF),
    )
}

#: Full system fonts tried, in order, for characters that neither the subset nor the role's own
#: font has (𠮷, 龘, rare name characters).
RARE_CHAR_SOURCES = tuple(
    FontSource(family, Path(file), index) for family, file, index in (_SERIF, _SANS)
)
RARE_CHAR_FAMILIES = tuple(source.family for source in RARE_CHAR_SOURCES)


@dataclass(frozen=True)
class ResolvedFont:
    role: str
    label: str
    source: FontSource
    official: bool
    prepared: Path  # the subset file (may not exist before prepare_fonts)

    @property
    def css_family(self) -> str:
        """The @font-face family of the prepared file (roles sharing a file share a family)."""
        return f"docgen-{self.prepared.stem.rsplit('-', 1)[0]}"

    @property
    def rare_property(self) -> str:
        """The CSS custom property naming this face's rare-glyph fonts in a render."""
        return f"--{self.css_family}-rare"


@dataclass(frozen=True)
class PrepareResult:
    font_dir: Path
    built: list[Path]
    kept: list[Path]


USER_FONT_DIR_ENV = "DOCGEN_USER_FONT_DIR"
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
#: Characters every official face of a Chinese role has; a file lacking them is not one.
_CJK_PROBE = "关于信访事项的办理意见年月日"


def user_font_dir() -> Path:
    """Where ``docgen fonts add`` installs an office's licensed fonts: ``$DOCGEN_USER_FONT_DIR``,
    else ``$XDG_DATA_HOME/fonts/docgen`` (``~/.local/share/fonts/docgen``), a folder fontconfig
    scans, so LibreOffice opening the .docx finds the same faces as our PDFs."""
    value = os.environ.get(USER_FONT_DIR_ENV)
    if value:
        return Path(value).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data).expanduser() / "fonts" / "docgen"


def _file_faces(path: Path) -> list[tuple[int, list[str], bool]]:
    """(face index, family names in every language, has the Chinese probe characters) of each
    face in a font file; raises ValidationError when the file is not a font."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        data = io.BytesIO(path.read_bytes())  # read once: no handle left open on a bad file
        collection = data.getvalue()[:4] == b"ttcf"
        fonts = list(TTCollection(data).fonts) if collection else [TTFont(data)]
        faces = []
        for index, font in enumerate(fonts):
            names = [
                str(record.toUnicode()).strip()
                for record in font["name"].names
                if record.nameID in (1, 4, 16)
            ]
            cmap = font.getBestCmap() or {}
            faces.append(
                (
                    index,
                    list(dict.fromkeys(n for n in names if n)),
                    all(ord(ch) in cmap for ch in _CJK_PROBE),
                )
            )
    except (
        TTLibError,
        KeyError,
        AssertionError,
        ValueError,
        struct_error,
        UnicodeDecodeError,
    ) as exc:
        raise ValidationError(f"{path.name} 不是可用的字体文件（{exc}）", code="bad_font") from None
    return faces


@dataclass(frozen=True)
class AddedFont:
    source: Path
    installed: Path
    family: str
    roles: tuple[str, ...]  # Chinese role labels the face serves
    replaced: bool


def add_fonts(files: Iterable[Path], directory: Path | None = None) -> list[AddedFont]:
    """Check each file is a Chinese font for one of the roles (方正仿宋_GBK, simfang.ttf, ...),
    then copy it atomically into the user font folder and refresh fontconfig. Every file is
    checked before any is copied: a bad one leaves nothing half-installed."""
    directory = directory or user_font_dir()
    plans: list[tuple[Path, str, tuple[str, ...]]] = []
    for path in (Path(f) for f in files):
        if not path.is_file():
            raise ValidationError(f"找不到字体文件 {path}", code="bad_font")
        if path.suffix.lower() not in FONT_SUFFIXES:
            raise ValidationError(
                f"{path.name} 不是字体文件：只接受 {'、'.join(FONT_SUFFIXES)} 文件", code="bad_font"
            )
        best: tuple[str, tuple[str, ...]] | None = None
        for _index, names, chinese in _file_faces(path):
            lowered = {n.lower() for n in names}
            roles = tuple(
                spec.label
                for spec in ROLES.values()
                if lowered & {o.lower() for o in spec.official}
            )
            if roles and chinese:
                family = next(
                    n
                    for n in names
                    if any(n.lower() == o.lower() for s in ROLES.values() for o in s.official)
                )
                best = (family, roles)
                break
            if roles:
                raise ValidationError(
                    f"{path.name}（{names[0]}）缺少常用汉字，不能用作公文字体", code="bad_font"
                )
        if best is None:
            wanted = "、".join(dict.fromkeys(spec.official[0] for spec in ROLES.values()))
            raise ValidationError(
                f"{path.name} 不是公文所用的字体（应为 {wanted} 或其同名字体，如 simfang.ttf、"
                "simhei.ttf、simkai.ttf、方正小标宋简体）",
                code="bad_font",
            )
        plans.append((path, *best))
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DependencyError(f"无法创建字体目录 {directory}：{exc}") from exc
    added = []
    for path, family, roles in plans:
        target = directory / path.name
        replaced = target.exists()
        atomic.write_bytes(target, path.read_bytes(), mode=0o644)
        added.append(AddedFont(path, target, family, roles, replaced))
    if shutil.which("fc-cache"):
        subprocess.run(["fc-cache", "-f", str(directory)], capture_output=True, check=False)
    _installed_faces.cache_clear()
    return added


def font_dir() -> Path:
    """Cache folder for prepared fonts: ``$DOCGEN_FONT_DIR``, else ``~/.cache/docgen/fonts``."""
    value = os.environ.get(FONT_DIR_ENV)
    if value:
        return Path(value).expanduser()
    return Path.home() / ".cache" / "docgen" / "fonts"


FC_LIST_FORMAT = "%{family}\t%{file}\t%{index}\n"


def fontconfig_listing() -> str | None:
    """What ``fc-list --format FC_LIST_FORMAT`` prints, made in this process by libfontconfig the
    way fc-list makes it (every font of the default configuration, ``FcFontList`` with an empty
    pattern, each formatted by ``FcPatternFormat``) without starting a process; None when the
    library cannot be loaded or lists nothing."""
    import ctypes

    class FontSet(ctypes.Structure):
        _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int),
                    ("fonts", ctypes.POINTER(ctypes.c_void_p))]  # fmt: skip

    try:
        lib = ctypes.CDLL("libfontconfig.so.1")
    except OSError:
        return None
    lib.FcPatternCreate.restype = ctypes.c_void_p
    lib.FcFontList.restype = ctypes.POINTER(FontSet)
    lib.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.FcPatternFormat.restype = ctypes.c_void_p  # a string we free
    lib.FcPatternFormat.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.FcStrFree.argtypes = [ctypes.c_void_p]
    lib.FcFontSetDestroy.argtypes = [ctypes.POINTER(FontSet)]
    lib.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    pattern = lib.FcPatternCreate()
    fonts = lib.FcFontList(None, pattern, None)
    lib.FcPatternDestroy(pattern)
    if not fonts:
        return None
    out = bytearray()
    try:
        for i in range(fonts.contents.nfont):
            text = lib.FcPatternFormat(fonts.contents.fonts[i], FC_LIST_FORMAT.encode())
            if text:
                out += ctypes.string_at(text)
                lib.FcStrFree(text)
    finally:
        lib.FcFontSetDestroy(fonts)
    # as subprocess.run(text=True) reads fc-list's output: the locale's encoding, universal newlines
    decoded = out.decode(locale.getpreferredencoding(False))
    return decoded.replace("\r\n", "\n").replace("\r", "\n") or None


@lru_cache(maxsize=1)
def _installed_faces() -> tuple[FontSource, ...]:
    """Every (family, file, index) fontconfig knows; families split on ',' (localised names)."""
    if shutil.which("fc-list") is None:
        raise DependencyError("未找到 fontconfig（fc-list），无法查找字体。请安装 fontconfig。")
    out = fontconfig_listing()
    if out is None:  # the library under another name: ask fc-list itself
        out = subprocess.run(
            ["fc-list", "--format", FC_LIST_FORMAT], capture_output=True, text=True, check=False
        ).stdout
    faces: list[FontSource] = []
    added = user_font_dir()
    if added.is_dir():  # fonts from `docgen fonts add`, even where fontconfig does not look
        for path in sorted(added.iterdir()):
            if path.suffix.lower() in FONT_SUFFIXES:
                try:
                    for index, names, _chinese in _file_faces(path):
                        faces.extend(FontSource(name, path, index) for name in names)
                except ValidationError:
                    continue
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 3:
            continue
        families, file, index = parts
        for family in families.split(","):
            faces.append(FontSource(family.strip(), Path(file), int(index or 0)))
    return tuple(faces)


def _find_official(names: Iterable[str]) -> FontSource | None:
    faces = _installed_faces()
    for name in names:
        for face in faces:
            if face.family.lower() == name.lower():
                return face
    return None


def _prepared_path(source: FontSource, directory: Path) -> Path:
    stat = source.file.stat()
    key = f"{source.file}|{source.index}|{stat.st_size}|{stat.st_mtime_ns}|{SUBSET_VERSION}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    stem = "".join(ch if ch.isalnum() else "-" for ch in source.file.stem.lower())
    return directory / f"{stem}-{source.index}-{digest}.ttf"


def resolve_fonts(directory: Path | None = None) -> dict[str, ResolvedFont]:
    """Resolve every role to an installed font; raise DependencyError if a fallback is missing."""
    directory = directory or font_dir()
    resolved: dict[str, ResolvedFont] = {}
    for spec in ROLES.values():
        source = _find_official(spec.official)
        official = source is not None
        if source is None:
            family, file, index = spec.open_face
            source = FontSource(family, Path(file), index)
            if not source.file.exists():
                raise DependencyError(
                    f"缺少字体文件 {file}（{spec.label}的开源替代字体）。"
                    "请安装 fonts-noto-cjk 和 fonts-arphic-ukai，或安装公文标准字体。"
                )
        resolved[spec.role] = ResolvedFont(
            spec.role, spec.label, source, official, _prepared_path(source, directory)
        )
    return resolved


def font_report() -> list[tuple[str, str, str, bool]]:
    """(role, family, file, official) for each role, in role order."""
    return [
        (font.role, font.source.family, str(font.source.file), font.official)
        for font in resolve_fonts().values()
    ]


def subset_repertoire() -> list[int]:
    """Code points kept in a prepared font: GB2312 (all rows), ASCII, and common symbols."""
    points = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    # The 87 rows' two-byte codes in one decode (a render reads this set): a code that maps
    # gives one character, one that does not two replacement characters, and the space after
    # each code ends it either way.
    codes = [bytes((high, low)) for high in range(0xA1, 0xF8) for low in range(0xA1, 0xFF)]
    decoded = b" ".join(codes).decode("gb2312", "replace").split(" ")
    points.update(ord(text) for text in decoded if len(text) == 1)
    extra = "—–―‒…‘’“”〔〕【】〈〉《》「」『』·•●○□■△▲☆★√×÷±≤≥≠℃№‰※→←↑↓①②③④⑤⑥⑦⑧⑨⑩"
    points.update(ord(ch) for ch in extra)
    points.update(range(0x3000, 0x3040))  # CJK symbols and punctuation
    points.update(range(0xFF01, 0xFF5F))  # full-width forms
    return sorted(points)


_DROP_TABLES = [
    "GSUB",
    "GPOS",
    "GDEF",
    "BASE",
    "JSTF",
    "vhea",
    "vmtx",
    "VORG",
    "DSIG",
    "meta",
    "kern",
]


def _build_subset(source: FontSource, target: Path) -> None:
    """Subset ``source`` to the repertoire, convert CFF outlines to TrueType, write ``target``."""
    cut_truetype(source, subset_repertoire(), target)


def cut_truetype(source: FontSource, unicodes: Iterable[int], target: Path) -> None:
    """The glyphs of ``unicodes`` from ``source`` as a TrueType font without layout or vertical
    tables, written atomically to ``target``."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

    with TTFont(source.file, fontNumber=source.index, lazy=True) as font:
        options = subset.Options()
        options.layout_features = []
        options.drop_tables += _DROP_TABLES
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
        options.name_languages = ["*"]
        options.hinting = False
        options.glyph_names = False
        options.notdef_outline = True
        options.recalc_bounds = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=list(unicodes))
        subsetter.subset(font)
        if "CFF " in font:
            _cff_to_glyf(font)
        for tag in _DROP_TABLES:
            if tag in font:
                del font[tag]
        atomic.write_with(target, font.save, mode=0o644)


def _cff_to_glyf(font) -> None:  # type: ignore[no-untyped-def]
    """Replace the CFF table by quadratic TrueType outlines (fontTools' otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.numGlyphs = len(glyph_order)
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"


def prepare_fonts(directory: Path | None = None, *, force: bool = False) -> PrepareResult:
    """Build the subset of every resolved font into the cache folder, once.

    Idempotent (an existing prepared file is kept unless ``force``), atomic (temp file + rename)
    and safe to run from two processes at once (a lock file serialises the builders).
    """
    directory = directory or font_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DependencyError(f"无法创建字体缓存目录 {directory}：{exc}") from exc
    fonts = resolve_fonts(directory)
    sources = {font.prepared: font.source for font in fonts.values()}
    with exclusive(directory / ".lock"):
        todo = {path: src for path, src in sources.items() if force or not path.exists()}
        kept = [path for path in sources if path not in todo]
        if len(todo) > 1:
            from concurrent.futures import ProcessPoolExecutor  # only when fonts are prepared

            with ProcessPoolExecutor(max_workers=min(len(todo), os.cpu_count() or 1)) as pool:
                for future in [pool.submit(_build_subset, src, path) for path, src in todo.items()]:
                    future.result()
        else:
            for path, src in todo.items():
                _build_subset(src, path)
    return PrepareResult(directory, sorted(todo), sorted(kept))


def ensure_fonts() -> dict[str, ResolvedFont]:
    """Resolved fonts with their prepared files present (prepares them on first use)."""
    fonts = resolve_fonts()
    if not all(font.prepared.exists() for font in fonts.values()):
        prepare_fonts()
    return fonts


def css_font_stack(font: ResolvedFont) -> str:
    """CSS font-family value: the prepared subset; then the rare-glyph fonts a render names in
    ``font.rare_property`` (see ``docgen.rare_glyphs``), else the full font; then the full fonts
    that have the most characters."""
    full = list(dict.fromkeys([font.source.family, *RARE_CHAR_FAMILIES]))
    return ", ".join(
        [
            f'"{font.css_family}"',
            f'var({font.rare_property}, "{font.source.family}")',
            *(f'"{name}"' for name in full),
        ]
    )


def font_face_css(fonts: dict[str, ResolvedFont]) -> str:
    """@font-face rules mapping each role's CSS family to its prepared file."""
    rules = []
    for font in {font.css_family: font for font in fonts.values()}.values():
        weight = "bold" if ROLES[font.role].bold else "normal"
        rules.append(
            f'@font-face {{ font-family: "{font.css_family}"; font-weight: {weight}; '
            f'src: url("{font.prepared.as_uri()}"); }}'
        )
    # Bold runs inside body text use the title's bold face rather than a synthetic bold.
    if not fonts["body"].official and not fonts["title"].official:
        rules.append(
            f'@font-face {{ font-family: "{fonts["body"].css_family}"; font-weight: bold; '
            f'src: url("{fonts["title"].prepared.as_uri()}"); }}'
        )
    return "\n".join(rules)


def advance_widths(font: ResolvedFont, text: str, size_pt: float) -> list[float]:
    """Advance width in pt of each character of ``text`` set alone in ``font`` at ``size_pt``
    (read from the prepared file's metrics, as the typesetter lays it out: one glyph, no kerning)."""
    from fontTools.ttLib import TTFont

    with TTFont(font.prepared, lazy=True) as face:
        cmap, metrics = face.getBestCmap(), face["hmtx"]
        per_unit = size_pt / face["head"].unitsPerEm
        return [metrics[cmap[ord(ch)]][0] * per_unit for ch in text]
