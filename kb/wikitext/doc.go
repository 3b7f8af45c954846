// Package wikitext turns MediaWiki markup into what the knowledge base needs:
// the links of a page with their anchor texts, its categories and templates
// (for disambiguation and type detection), readable plain text (for counting
// how often a surface occurs unlinked) and a short clean description from the
// lead paragraph.
//
// It is not a MediaWiki renderer: templates are dropped (a handful that carry
// visible text, such as {{lang}} and {{nowrap}}, keep it), tables, refs, files,
// comments and HTML tags are removed. Every function runs in time linear in
// the input (brackets are matched with a stack in one pass), never panics and
// never returns markup in a description; the fuzz tests hold it to that.
package wikitext
