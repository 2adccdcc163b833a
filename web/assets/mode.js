// A small CodeMirror 5 mode for the Decree language (docs/language.md): keywords, strings,
// comments, dates, numbers and the truth values. Highlighting only; the server checks.
const KEYWORDS = ["policy", "extends", "in", "status", "force", "from", "until", "source", "type", "fact", "define",
  "decision", "default", "applies", "authority", "obligation", "flag", "indicating", "rule", "exception", "to", "when",
  "then", "by", "owe", "cites", "drop", "replace", "and", "or", "not", "is"];

export function defineDecreeMode(CodeMirror) {
  CodeMirror.defineSimpleMode("decree", {
    start: [
      {regex: /#.*/, token: "comment"},
      {regex: /"(?:[^\\"]|\\.)*"?/, token: "string"},
      {regex: new RegExp(`\\b(?:${KEYWORDS.join("|")})\\b`), token: "keyword"},
      {regex: /\b(?:true|false|unknown|known)\b/, token: "atom"},
      {regex: /\d{4}-\d{2}(?:-\d{2})?\b|\d+/, token: "number"},
      {regex: /[A-Za-z_][A-Za-z0-9_]*/, token: "variable"},
      {regex: /\.\.|[=<>!]=?|[(),:]/, token: "operator"},
    ],
    meta: {lineComment: "#"},
  });
}
