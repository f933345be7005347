"""Search the glossary by meaning, next to a keyword (BM25) search, and see your query on a map of the terms.

Query parameters (shareable, and preset by term pages): ``input`` the query,
``k`` how many results (1-20), ``mode`` the ranking on the left (semantic,
hybrid or keyword; the right column is always the other kind).
"""

from __future__ import annotations

import pyarrow as pa
import streamlit as st


from sslgloss.demos import checks, page  # noqa: E402
from sslgloss.demos.page import term_url  # noqa: E402

state = page.PageState("semantic-search")

from sslgloss.demos.catalog import DEFAULT_INPUTS  # noqa: E402
from sslgloss.search import MAX_QUERY_CHARS, MODES, get_engine, prepare_query, project_2d  # noqa: E402

DEFAULT_QUERY = DEFAULT_INPUTS["semantic-search"]
DEFAULT_K = 5
MODE_LABELS = {"semantic": "By meaning (semantic)", "hybrid": "Both, fused (hybrid)", "keyword": "By keywords (BM25)"}
MODE_BUTTONS = {"semantic": "Meaning", "hybrid": "Both", "keyword": "Keywords"}
SCORE_HELP = {"semantic": "cosine similarity of the query and passage embeddings (-1 to 1)",
              "keyword": "BM25: higher when rarer query words occur more often in the passage",
              "hybrid": "reciprocal-rank fusion of the semantic and the keyword ranking"}
EXAMPLES = ["how can a model learn from data nobody labelled", "guess the hidden word",
            "find documents that mean the same thing", "pictures with pieces missing"]

# ---------------------------------------------------------------------- this page's inputs
# demos/page.py keeps input ``name`` in st.session_state[name]; every page of the app shares that
# session state, so on a page switch one page's ``input`` (or an out-of-range ``k``) would land in the
# next page. These wrappers keep the same URL names and parsing, under page-scoped session keys.



# ---------------------------------------------------------------------- input checks
def check_query(text: str) -> str:
    """``text`` if it can be searched, else InputError saying what to change (shown with st.error)."""
    checks.check_typed_text(text, what="query", reads="search reads", instead="Type a question or a few words instead.",
                            empty="Type a question or a few words, e.g. “how do models learn without labels”.")
    checks.check_has_english_words(
        text, what="query",
        no_words="there is nothing to match. Type a few words, e.g. “guess the hidden word”.",
        not_english="The glossary and the sentence encoder are English: a query in another script (Hebrew, Arabic, "
                    "Chinese…) finds nothing meaningful. Try it in English.")
    return text


# ---------------------------------------------------------------------- models, once per process

@st.cache_resource(show_spinner=False)
def search_engine():
    """The shared engine (BM25 at once; the encoder and passage embeddings on the first semantic search)."""
    return get_engine()


@st.cache_resource(show_spinner=False)
def term_map():
    """The glossary's terms on a fixed 2-D plane (PCA of each term's mean passage embedding)."""
    return project_2d(search_engine().term_embeddings())


# ---------------------------------------------------------------------- pieces of the page

EXPLANATION = (
    "A sentence encoder (all-MiniLM-L6-v2, trained by contrastive learning on pairs of related sentences) turns "
    "your query and every passage of the glossary into a **sentence embedding**, a vector of 384 numbers. "
    "**Semantic search** ranks terms by the cosine similarity of those vectors, so a query can find a term that "
    "shares none of its words. **BM25** ranks the same passages by the words they share with the query, each "
    "weighted by how rare it is; it is fast and exact, and it finds nothing when the words differ. Hybrid "
    "search fuses both rankings. The map squeezes the 384 dimensions onto two axes (PCA), so points that are "
    "close are usually, not always, close in meaning.\n\n"
    "**It also tried to teach itself this glossary.** Its upper layers were tuned by contrastive learning on "
    "pairs the glossary gives for free: a term's name and its summary, its summary and its definition, a "
    "sentence about a term with the term's own name blanked out and the summary. No one labelled anything: "
    "self-supervised learning on the site's own text. On 80 newcomer questions kept aside while tuning, the "
    "right term comes first for 59% of them (the encoder before tuning: 60%; keywords alone: 44%): meaning "
    "beats keywords, and this small adaptation did not add to it."
)
TERMS = ["semantic-search", "sentence-embedding", "cosine-similarity", "bm25", "contrastive-learning",
         "information-retrieval"]


@st.cache_data(max_entries=512, show_spinner=False)
def answer(text: str, k: int, mode: str):
    """(results ranked by ``mode``, by the other kind, the query on the map, the map's data and spec), cached
    per query: a page run with an input seen before does no search and builds no chart."""
    engine, projection = search_engine(), term_map()
    other = "keyword" if mode != "keyword" else "semantic"
    main_results, other_results = engine.search(text, k=k, mode=mode), engine.search(text, k=k, mode=other)
    data, spec = map_chart(engine, projection, projection.transform(engine.embed_query(text)),
                           [r.term_id for r in main_results])
    return main_results, other_results, data, spec


def results_frame(results) -> pa.Table:
    # an Arrow table goes to the browser as it is; a pandas frame would be converted on every run
    return pa.table({
        "term": [r.title for r in results],
        "score": [float(r.score) for r in results],
        "page": [term_url(r.term_id) for r in results],
    })


def show_results(mode: str, results, key: str) -> None:
    st.subheader(MODE_LABELS[mode])
    if not results:
        st.info("No term shares a word with the query, so keyword search finds nothing. "
                "Search by meaning still ranks every term.")
        return
    top = 1.0 if mode == "semantic" else max(max(r.score for r in results), 1e-9)
    st.dataframe(results_frame(results), hide_index=True, key=key, column_config={
        "term": st.column_config.TextColumn("term", width="medium"),
        "score": st.column_config.ProgressColumn("score", help=SCORE_HELP[mode], format="%.2f",
                                                 min_value=0.0, max_value=top, width="small"),
        "page": st.column_config.LinkColumn("page", display_text="open", width="small"),
    })


def show_passages(results) -> None:
    """The passage that made each term match: what a reader would check before opening the page."""
    for rank, r in enumerate(results, start=1):
        passage = r.passage if len(r.passage) <= 320 else r.passage[:320].rsplit(" ", 1)[0] + " …"
        st.markdown(f"{rank}. **[{page.md_escape(r.title)}]({term_url(r.term_id)})** · _{page.md_escape(r.section)}_  \n"
                    f"{page.md_escape(passage)}")


def map_chart(engine, projection, query_xy, top_ids: list[str]) -> tuple[pa.Table, dict]:
    """Every term as a point, the top results highlighted, the query as a red cross."""
    top = {term_id: rank for rank, term_id in enumerate(top_ids, start=1)}
    rows = [{"x": float(x), "y": float(y), "term": engine.titles[t], "url": term_url(t),
             "kind": "top result" if t in top else "term", "rank": top.get(t)}
            for t, (x, y) in zip(engine.term_ids, projection.coords)]
    rows.append({"x": float(query_xy[0]), "y": float(query_xy[1]), "term": "your query", "url": None,
                 "kind": "your query", "rank": None})
    kinds = {"domain": ["term", "top result", "your query"]}
    spec = {
        "height": 420,
        "layer": [
            {"mark": {"type": "point", "filled": True, "tooltip": True},
             "encoding": {
                 "x": {"field": "x", "type": "quantitative", "axis": {"title": None, "labels": False, "ticks": False}},
                 "y": {"field": "y", "type": "quantitative", "axis": {"title": None, "labels": False, "ticks": False}},
                 "color": {"field": "kind", "type": "nominal", "legend": {"title": None, "orient": "bottom"},
                           "scale": {**kinds, "range": ["#9e9e9e", "#1e88e5", "#e53935"]}},
                 "shape": {"field": "kind", "type": "nominal", "legend": None,
                           "scale": {**kinds, "range": ["circle", "circle", "cross"]}},
                 "size": {"condition": {"test": "datum.kind === 'your query'", "value": 300}, "value": 60},
                 "href": {"field": "url"},
                 "tooltip": [{"field": "term"}, {"field": "rank", "title": "rank"}]}},
            # results carry their rank, not their names: neighbours' names printed over each other on a phone
            {"mark": {"type": "text", "dy": -11, "fontSize": 12, "fontWeight": "bold"},
             "transform": [{"filter": "datum.kind !== 'term'"},
                           {"calculate": "datum.kind === 'your query' ? 'your query' : '' + datum.rank", "as": "label"}],
             "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"},
                          "text": {"field": "label"},
                          # the points' own colours: the default black vanished on the dark theme
                          "color": {"field": "kind", "type": "nominal", "legend": None,
                                    "scale": {**kinds, "range": ["#9e9e9e", "#1e88e5", "#e53935"]}}}},
        ],
    }
    return pa.Table.from_pylist(rows), spec


# ---------------------------------------------------------------------- the page

def main() -> None:
    page.setup_page("Semantic search", ":material/search:")
    if not page.is_embedded():
        st.title("Semantic search")
        page.bootstrap_note()
    page.explain(EXPLANATION, TERMS)

    state.param("input", DEFAULT_QUERY)
    state.param("mode", "semantic", checks.parse_choice(MODES))
    state.param("k", DEFAULT_K, checks.parse_int(1, 20))
    st.text_input("Search the glossary", key=state.key("input"), on_change=state.sync, args=("input", DEFAULT_QUERY),
                  help="A question or a few words; it is matched by meaning, not only by its words.")
    left, right = st.columns([2, 1])
    with left:
        mode = st.segmented_control("Rank by", MODES, key=state.key("mode"), format_func=lambda m: MODE_BUTTONS[m],
                                    required=True, on_change=state.sync, args=("mode", "semantic"))
    with right:
        k = st.slider("Results", 1, 20, key=state.key("k"), on_change=state.sync, args=("k", DEFAULT_K))
    st.caption("Try: " + " · ".join(f"“{e}”" for e in EXAMPLES))

    found = None
    with page.guard():
        text, truncated = prepare_query(check_query(st.session_state[state.key("input")]))
        if truncated:
            st.warning(f"The query is long, so only its first {MAX_QUERY_CHARS:,} characters were used.")
        mode = mode or "semantic"
        other = "keyword" if mode != "keyword" else "semantic"
        search_engine()
        with st.spinner("Loading the sentence encoder and the glossary's embeddings (first search only)…"):
            found = answer(text, k, mode)
    if found is None:
        return
    main_results, other_results, data, spec = found
    main_ids = {r.term_id for r in main_results}
    other_ids = {r.term_id for r in other_results}

    col_a, col_b = st.columns(2)
    with col_a:
        show_results(mode, main_results, key="results-main")
    with col_b:
        show_results(other, other_results, key="results-other")
    only_main = [r.title for r in main_results if r.term_id not in other_ids]
    only_other = [r.title for r in other_results if r.term_id not in main_ids]
    if only_main and other_results:
        st.caption(f"Found only {MODE_LABELS[mode].lower()}: {', '.join(only_main)}. "
                   f"Only {MODE_LABELS[other].lower()}: {', '.join(only_other)}.")
    passages = st.expander(f"The passages that matched ({MODE_LABELS[mode].lower()})", icon=":material/notes:",
                           key=state.key("passages"), on_change="rerun")
    if passages.open:  # computed only when the learner opens it
        with passages:
            show_passages(main_results)

    st.subheader("The glossary as a map")
    st.vega_lite_chart(data, spec, width="stretch", key=state.key("map"))
    st.caption("Each grey point is a term, placed by its meaning; the red cross is your query; blue points are "
               f"the results, numbered as in the first table ({MODE_LABELS[mode].lower()}). Hover for names, click a "
               "point to open its page.")


main()
