/* lexer.re: the lexer of the .ait language (C11 tokens plus a few of
 * ait's own), in re2c. grammar/regen.sh turns it into
 * generator/bootstrap/lexer.c, which is committed.
 *
 * The lexer only splits text into tokens. The driver (parse.c) turns
 * identifiers that name types into TYPE_NAME and "send" into SEND where
 * it is a keyword, since both depend on context.
 *
 * The input must end with a '\0' at text[len]: it is the sentinel of
 * re2c's bounds-checked end of input. A '\0' byte inside the text is an
 * error wherever it stands (in a literal, a comment or a '%{ %}' block
 * too): C strings would silently cut the text short there.
 */
#include <stdio.h>
#include <string.h>
#include "../parse_int.h"
#include "parser.h"

void lexer_init(Lexer *L, int file, const char *text, size_t len, bool c_mode) {
    memset(L, 0, sizeof *L);
    L->cur = L->pos = L->tok = text;
    L->lim = text + len;
    L->file = file;
    L->line = L->col = 1;
    L->c_mode = c_mode;
}

/* Locations are counted from the last position asked for, so the whole
 * lex costs one pass over the text. Columns count characters: a UTF-8
 * sequence counts one, as does a tab. */
Loc lexer_loc(Lexer *L, const char *p) {
    for (; L->pos < p; L->pos++) {
        unsigned char c = (unsigned char)*L->pos;
        if (c == '\n') {
            L->line++;
            L->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            L->col++;
        }
    }
    return (Loc){L->file, L->line, L->col};
}

static int token(Lexer *L, Token *t, int kind) {
    t->kind = kind;
    t->text = L->tok;
    t->len = (int)(L->cur - L->tok);
    t->loc = lexer_loc(L, L->tok);
    return kind;
}

/* Reports an error at the start of the current token (unless scanning
 * passthrough C, where aitc has no opinion) and gives LEX_ERROR. */
static int lex_error(Lexer *L, Token *t, const char *msg) {
    token(L, t, LEX_ERROR);
    if (!L->c_mode)
        error_at(t->loc, "%s", msg);
    return LEX_ERROR;
}

static int stray(Lexer *L, Token *t) {
    /* A multibyte character is shown whole. */
    while (L->cur < L->lim && ((unsigned char)*L->cur & 0xC0) == 0x80)
        L->cur++;
    token(L, t, LEX_ERROR);
    if (L->c_mode)
        return LEX_ERROR;
    unsigned char c = (unsigned char)*L->tok;
    if (c >= 0x20 && c != 0x7f)
        error_at(t->loc, "stray '%.*s' in program", t->len, t->text);
    else
        error_at(t->loc, "stray '\\%o' in program", c);
    return LEX_ERROR;
}

/* Reports the first '\0' byte of the current token's text [from, to),
 * if any, at its own position; true when there was one. */
static bool nul_inside(Lexer *L, const char *from, const char *to, const char *where) {
    const char *nul = memchr(from, '\0', (size_t)(to - from));
    if (!nul)
        return false;
    if (!L->c_mode)
        error_at(lexer_loc(L, nul), "NUL character in %s", where);
    return true;
}

/* A token that must hold no '\0' byte: the token, or LEX_ERROR. */
static int clean_token(Lexer *L, Token *t, int kind, const char *where) {
    token(L, t, kind);
    if (!nul_inside(L, L->tok, L->cur, where))
        return kind;
    t->kind = LEX_ERROR;
    return LEX_ERROR;
}

/* Finds "end" (two characters) from the cursor; false at end of input. */
static bool skip_past(Lexer *L, char a, char b, const char **at) {
    for (const char *p = L->cur; p + 1 < L->lim; p++) {
        if (p[0] == a && p[1] == b) {
            *at = p;
            L->cur = p + 2;
            return true;
        }
    }
    L->cur = L->lim;
    return false;
}

/* "%{ ... %}": one token whose text is what lies between the markers. */
static int passthrough(Lexer *L, Token *t) {
    const char *body = L->cur, *end;
    if (!skip_past(L, '%', '}', &end))
        return lex_error(L, t, "unterminated '%{' block (missing '%}')");
    if (clean_token(L, t, TK_PASSTHROUGH, "a '%{ %}' block") == LEX_ERROR)
        return LEX_ERROR;
    t->text = body;
    t->len = (int)(end - body);
    return TK_PASSTHROUGH;
}

/* A preprocessor line, with its backslash continuations. */
static void skip_pp_line(Lexer *L) {
    while (L->cur < L->lim && *L->cur != '\n') {
        if (*L->cur == '\\' && L->cur + 1 < L->lim && L->cur[1] == '\n')
            L->cur++;
        L->cur++;
    }
}

/* pp-numbers are classified here; the C compiler checks them later. */
static int number(Lexer *L, Token *t) {
    const char *s = L->tok;
    int n = (int)(L->cur - s);
    bool hex = n > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    for (int i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.' || (hex && (c == 'p' || c == 'P')) ||
            (!hex && (c == 'e' || c == 'E')))
            return token(L, t, TK_FLOATLIT);
    }
    return token(L, t, TK_INTLIT);
}

int lexer_next(Lexer *L, Token *t) {
    for (;;) {
        L->tok = L->cur;
        /*!re2c
        re2c:define:YYCTYPE = "unsigned char";
        re2c:define:YYCURSOR = "L->cur";
        re2c:define:YYMARKER = "L->mar";
        re2c:define:YYLIMIT = "L->lim";
        re2c:yyfill:enable = 0;
        re2c:eof = 0;

        ident  = [a-zA-Z_][a-zA-Z_0-9]*;
        ppnum  = "."? [0-9] ([0-9a-zA-Z_.] | [eEpP][+-])*;
        prefix = "u8" | "u" | "U" | "L";
        schar  = [^"\\\n] | "\\" [^];
        cchar  = [^'\\\n] | "\\" [^\n];

        $                     { return token(L, t, LEX_EOF); }
        [ \t\v\f\r\n]+        { continue; }
        "\\" "\r"? "\n"       { continue; }
        "//" [^\n]* {
            token(L, t, LEX_ERROR);
            if (nul_inside(L, L->tok, L->cur, "a comment"))
                return LEX_ERROR;
            continue;
        }
        "/*" {
            const char *end;
            if (!skip_past(L, '*', '/', &end))
                return lex_error(L, t, "unterminated comment");
            token(L, t, LEX_ERROR);
            if (nul_inside(L, L->tok, L->cur, "a comment"))
                return LEX_ERROR;
            continue;
        }
        "#" {
            skip_pp_line(L);
            if (L->c_mode)
                continue;
            L->cur = L->tok + 1;
            lex_error(L, t, "preprocessor lines must be inside a '%{ ... %}' block");
            skip_pp_line(L);
            return LEX_ERROR;
        }
        "%{"                  { return passthrough(L, t); }
        "%types"              { return token(L, t, TK_TYPES); }
        "%instance"           { return token(L, t, TK_INSTANCE); }

        "auto"                { return token(L, t, TK_AUTO); }
        "break"               { return token(L, t, TK_BREAK); }
        "case"                { return token(L, t, TK_CASE); }
        "char"                { return token(L, t, TK_CHAR); }
        "const" | "__const"   { return token(L, t, TK_CONST); }
        "continue"            { return token(L, t, TK_CONTINUE); }
        "default"             { return token(L, t, TK_DEFAULT); }
        "do"                  { return token(L, t, TK_DO); }
        "double"              { return token(L, t, TK_DOUBLE); }
        "else"                { return token(L, t, TK_ELSE); }
        "enum"                { return token(L, t, TK_ENUM); }
        "extern"              { return token(L, t, TK_EXTERN); }
        "float"               { return token(L, t, TK_FLOAT); }
        "for"                 { return token(L, t, TK_FOR); }
        "goto"                { return token(L, t, TK_GOTO); }
        "if"                  { return token(L, t, TK_IF); }
        "inline" | "__inline" | "__inline__" { return token(L, t, TK_INLINE); }
        "int"                 { return token(L, t, TK_INT); }
        "long"                { return token(L, t, TK_LONG); }
        "register"            { return token(L, t, TK_REGISTER); }
        "restrict" | "__restrict" | "__restrict__" { return token(L, t, TK_RESTRICT); }
        "return"              { return token(L, t, TK_RETURN); }
        "short"               { return token(L, t, TK_SHORT); }
        "signed" | "__signed__" { return token(L, t, TK_SIGNED); }
        "sizeof"              { return token(L, t, TK_SIZEOF); }
        "static"              { return token(L, t, TK_STATIC); }
        "struct"              { return token(L, t, TK_STRUCT); }
        "switch"              { return token(L, t, TK_SWITCH); }
        "typedef"             { return token(L, t, TK_TYPEDEF); }
        "union"               { return token(L, t, TK_UNION); }
        "unsigned"            { return token(L, t, TK_UNSIGNED); }
        "void"                { return token(L, t, TK_VOID); }
        "volatile" | "__volatile__" { return token(L, t, TK_VOLATILE); }
        "while"               { return token(L, t, TK_WHILE); }
        "_Alignas"            { return token(L, t, TK_ALIGNAS); }
        "_Alignof" | "__alignof__" { return token(L, t, TK_ALIGNOF); }
        "_Atomic"             { return token(L, t, TK_ATOMIC); }
        "_Bool"               { return token(L, t, TK_BOOL); }
        "_Complex"            { return token(L, t, TK_COMPLEX); }
        "_Generic"            { return token(L, t, TK_GENERIC); }
        "_Imaginary"          { return token(L, t, TK_IMAGINARY); }
        "_Noreturn"           { return token(L, t, TK_NORETURN); }
        "_Static_assert"      { return token(L, t, TK_STATIC_ASSERT); }
        "_Thread_local"       { return token(L, t, TK_THREAD_LOCAL); }

        "interface"           { return token(L, t, TK_INTERFACE); }
        "impl"                { return token(L, t, TK_IMPL); }
        "async"               { return token(L, t, TK_ASYNC); }
        "await"               { return token(L, t, TK_AWAIT); }
        "dyn"                 { return token(L, t, TK_DYN); }
        "defer"               { return token(L, t, TK_DEFER); }
        "try"                 { return token(L, t, TK_TRY); }
        "spawn"               { return token(L, t, TK_SPAWN); }
        "spawn_local"         { return token(L, t, TK_SPAWN_LOCAL); }
        "import"              { return token(L, t, TK_IMPORT); }

        ident                 { return token(L, t, TK_IDENT); }
        ppnum                 { return number(L, t); }
        prefix? ['] cchar+ [']  { return clean_token(L, t, TK_CHARLIT, "a character constant"); }
        prefix? ['] [']       { return lex_error(L, t, "empty character constant"); }
        prefix? ['] cchar*    { return lex_error(L, t, "missing terminating ' character"); }
        prefix? ["] schar* ["] { return clean_token(L, t, TK_STRLIT, "a string literal"); }
        prefix? ["] schar*    { return lex_error(L, t, "missing terminating \" character"); }

        "..."                 { return token(L, t, TK_ELLIPSIS); }
        "["  | "<:"           { return token(L, t, TK_LBRACKET); }
        "]"  | ":>"           { return token(L, t, TK_RBRACKET); }
        "("                   { return token(L, t, TK_LPAREN); }
        ")"                   { return token(L, t, TK_RPAREN); }
        "{"  | "<%"           { return token(L, t, TK_LBRACE); }
        "}"  | "%>"           { return token(L, t, TK_RBRACE); }
        "."                   { return token(L, t, TK_DOT); }
        "->"                  { return token(L, t, TK_ARROW); }
        "++"                  { return token(L, t, TK_INC); }
        "--"                  { return token(L, t, TK_DEC); }
        "&"                   { return token(L, t, TK_AMP); }
        "*"                   { return token(L, t, TK_STAR); }
        "+"                   { return token(L, t, TK_PLUS); }
        "-"                   { return token(L, t, TK_MINUS); }
        "~"                   { return token(L, t, TK_TILDE); }
        "!"                   { return token(L, t, TK_BANG); }
        "/"                   { return token(L, t, TK_SLASH); }
        "%"                   { return token(L, t, TK_PERCENT); }
        "<<"                  { return token(L, t, TK_SHL); }
        ">>"                  { return token(L, t, TK_SHR); }
        "<"                   { return token(L, t, TK_LT); }
        ">"                   { return token(L, t, TK_GT); }
        "<="                  { return token(L, t, TK_LE); }
        ">="                  { return token(L, t, TK_GE); }
        "=="                  { return token(L, t, TK_EQEQ); }
        "!="                  { return token(L, t, TK_NE); }
        "^"                   { return token(L, t, TK_CARET); }
        "|"                   { return token(L, t, TK_PIPE); }
        "&&"                  { return token(L, t, TK_ANDAND); }
        "||"                  { return token(L, t, TK_OROR); }
        "?"                   { return token(L, t, TK_QUESTION); }
        ":"                   { return token(L, t, TK_COLON); }
        ";"                   { return token(L, t, TK_SEMI); }
        "="                   { return token(L, t, TK_ASSIGN); }
        "*="                  { return token(L, t, TK_MULEQ); }
        "/="                  { return token(L, t, TK_DIVEQ); }
        "%="                  { return token(L, t, TK_MODEQ); }
        "+="                  { return token(L, t, TK_ADDEQ); }
        "-="                  { return token(L, t, TK_SUBEQ); }
        "<<="                 { return token(L, t, TK_SHLEQ); }
        ">>="                 { return token(L, t, TK_SHREQ); }
        "&="                  { return token(L, t, TK_ANDEQ); }
        "^="                  { return token(L, t, TK_XOREQ); }
        "|="                  { return token(L, t, TK_OREQ); }
        ","                   { return token(L, t, TK_COMMA); }

        *                     { return stray(L, t); }
        */
    }
}
