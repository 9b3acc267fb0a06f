// Code cell editor: the plain <textarea data-cell-source> becomes an editor with line numbers,
// live syntax colours, Tab indentation, Shift+Enter to run and Reset to the lesson's code.
// The textarea stays the real control (screen readers, kernel.js read it); the coloured copy
// under it is decoration. Without JavaScript the server's highlighted code is shown instead.

const INDENT = "    ";

const KEYWORDS = new Set(
  ("and as assert async await break class continue def del elif else except finally for from " +
    "global if import in is lambda nonlocal not or pass raise return try while with yield match case")
    .split(" "),
);
const CONSTANTS = new Set(["True", "False", "None"]);
const WORD_OPERATORS = new Set(["and", "or", "not", "in", "is"]);
const BUILTINS = new Set(
  ("abs all any bool dict dir divmod enumerate filter float format getattr hasattr hash id input " +
    "int isinstance iter len list map max min next object open pow print range repr reversed round " +
    "set setattr slice sorted str sum super tuple type zip globals locals")
    .split(" "),
);

const TOKEN = new RegExp(
  [
    String.raw`(?<comment>#[^\n]*)`,
    String.raw`(?<string>(?<!\w)[rRbBuUfF]{0,2}(?:"""[\s\S]*?(?:"""|$(?![\s\S]))|'''[\s\S]*?(?:'''|$(?![\s\S]))|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?))`,
    String.raw`(?<number>\b(?:0[xXoObB][\da-fA-F_]+|\d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?\d+)?j?)|\.\d[\d_]*(?:[eE][+-]?\d+)?j?)`,
    String.raw`(?<decorator>(?<=^[ \t]*)@[A-Za-z_][\w.]*)`,
    String.raw`(?<name>[A-Za-z_]\w*)`,
    String.raw`(?<op>[-+*/%=<>!&|^~@]+)`,
  ].join("|"),
  "gm",
);

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function span(cls, text) {
  return `<span class="${cls}">${escapeHtml(text)}</span>`;
}

// Python → HTML with Pygments' class names, so static/css/pygments.css colours it.
export function highlightPython(source) {
  let html = "";
  let last = 0;
  let previous = "";
  TOKEN.lastIndex = 0;
  for (const match of source.matchAll(TOKEN)) {
    html += escapeHtml(source.slice(last, match.index));
    last = match.index + match[0].length;
    const { comment, string, number, decorator, name, op } = match.groups;
    if (comment !== undefined) html += span("c1", comment);
    else if (string !== undefined) html += span(string.includes('"""') || string.includes("'''") ? "sd" : "s2", string);
    else if (number !== undefined) html += span(/[.eEj]/.test(number) ? "mf" : "mi", number);
    else if (decorator !== undefined) html += span("nd", decorator);
    else if (name !== undefined) {
      if (previous === "def") html += span("nf", name);
      else if (previous === "class") html += span("nc", name);
      else if (name === "import" || name === "from") html += span("kn", name);
      else if (WORD_OPERATORS.has(name)) html += span("ow", name);
      else if (KEYWORDS.has(name)) html += span("k", name);
      else if (CONSTANTS.has(name)) html += span("kc", name);
      else if (BUILTINS.has(name)) html += span("nb", name);
      else html += escapeHtml(name);
      previous = name;
      continue;
    } else html += span("o", op);
    previous = "";
  }
  return html + escapeHtml(source.slice(last));
}

function lineNumbers(count) {
  return Array.from({ length: count }, (_, i) => String(i + 1)).join("\n");
}

function insertText(textarea, text) {
  // execCommand keeps the browser's undo history; setRangeText is the fallback.
  if (!document.execCommand("insertText", false, text)) {
    textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
}

function lineStart(value, index) {
  return value.lastIndexOf("\n", index - 1) + 1;
}

function indentSelection(textarea, outdent) {
  const { value, selectionStart, selectionEnd } = textarea;
  const start = lineStart(value, selectionStart);
  if (!outdent && selectionStart === selectionEnd) {
    const column = selectionStart - start;
    insertText(textarea, " ".repeat(INDENT.length - (column % INDENT.length)));
    return;
  }
  const end = selectionEnd > selectionStart && value[selectionEnd - 1] === "\n" ? selectionEnd - 1 : selectionEnd;
  const block = value.slice(start, end);
  const changed = block
    .split("\n")
    .map((line) => (outdent ? line.replace(/^ {1,4}|^\t/, "") : INDENT + line))
    .join("\n");
  textarea.setSelectionRange(start, end);
  insertText(textarea, changed);
  textarea.setSelectionRange(start, start + changed.length);
}

function newlineWithIndent(textarea) {
  const { value, selectionStart } = textarea;
  const line = value.slice(lineStart(value, selectionStart), selectionStart);
  let indent = line.match(/^[ \t]*/)[0];
  if (/:\s*(#.*)?$/.test(line)) indent += INDENT;
  insertText(textarea, "\n" + indent);
}

export function enhanceCell(cell) {
  if (cell.dataset.editorReady) return;
  const textarea = cell.querySelector("[data-cell-source]");
  const editor = cell.querySelector("[data-cell-editor]");
  const highlight = cell.querySelector("[data-cell-highlight] code");
  const lines = cell.querySelector("[data-cell-lines]");
  const edited = cell.querySelector("[data-cell-edited]");
  if (!textarea || !editor || !highlight || !lines) return;
  cell.dataset.editorReady = "true";

  const serverHtml = highlight.innerHTML;
  const serverSource = textarea.value;
  let leaving = false;

  const hint = document.createElement("p");
  hint.className = "cell-hint";
  hint.id = `${textarea.id || cell.dataset.cellId || "cell"}-hint`;
  hint.textContent = "Shift+Enter runs · Tab indents · Esc then Tab leaves the editor";
  editor.after(hint);
  textarea.setAttribute("aria-describedby", hint.id);

  const render = () => {
    const value = textarea.value;
    // A trailing newline needs a character after it, or the coloured copy is a line short.
    const shown = value === serverSource && serverHtml ? serverHtml : highlightPython(value);
    highlight.innerHTML = value.endsWith("\n") || value === "" ? shown + " " : shown;
    const count = value.split("\n").length;
    lines.textContent = lineNumbers(count);
    textarea.rows = count;
    if (edited) edited.hidden = value === (textarea.dataset.original ?? "");
  };

  textarea.addEventListener("input", render);
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      leaving = true;
      return;
    }
    if (event.key === "Enter" && (event.shiftKey || event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      cell.dispatchEvent(new CustomEvent("cell:run", { bubbles: true }));
      return;
    }
    if (event.key === "Tab" && !leaving && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      indentSelection(textarea, event.shiftKey);
      return;
    }
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      newlineWithIndent(textarea);
      return;
    }
    leaving = false;
  });
  textarea.addEventListener("blur", () => {
    leaving = false;
  });

  textarea.hidden = false;
  editor.classList.add("is-live");
  render();
  showCutLines(editor);
}

// A line longer than the cell is cut at its edge: say so with a shade on the right while more
// code hides there.
function showCutLines(editor) {
  const stack = editor.querySelector(".cell-stack");
  if (!stack) return;
  const update = () => {
    const more = stack.scrollWidth - stack.clientWidth - stack.scrollLeft > 2;
    editor.classList.toggle("has-more-right", more);
  };
  stack.addEventListener("scroll", update, { passive: true });
  new ResizeObserver(update).observe(stack);
  editor.addEventListener("input", update);
}

export function resetCell(cell) {
  const textarea = cell.querySelector("[data-cell-source]");
  if (!textarea) return;
  textarea.value = textarea.dataset.original ?? "";
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
  textarea.focus();
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-cell-action='reset']");
  const cell = button?.closest("[data-cell]");
  if (cell) resetCell(cell);
});

for (const cell of document.querySelectorAll("[data-cell]")) enhanceCell(cell);
