/**
 * The fenced code blocks of a Markdown text, indented ones (inside list items) included:
 * their language, body without the indent, first line, and the line the body starts on.
 */
export function markdownCodeBlocks(text) {
  const blocks = [];
  const fence = /^( *)```(\w+)\n([\s\S]*?)^\1```$/gm;
  for (const match of text.matchAll(fence)) {
    const indent = match[1].length;
    const body = match[3]
      .split('\n')
      .map(line => line.slice(indent))
      .join('\n');
    blocks.push({
      lang: match[2],
      body,
      firstLine: body.split('\n')[0],
      line: text.slice(0, match.index).split('\n').length + 1,
    });
  }
  return blocks;
}
