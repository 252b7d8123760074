"""Reading FDA's pages with BeautifulSoup: the roster by its header texts, and each product page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.regulatory import APPROVED, AgencyRecord, clean_text
from cgt_atlas.sources.base import FetchResult, ProgressCallback
from cgt_atlas.sources.fda_cgt import settings as s
from cgt_atlas.sources.inbox import fetch_or_hand_in


@dataclass
class RosterEntry:
    trade_name: str
    proper_name: str | None
    manufacturer: str | None
    url: str | None


def on_fda_site(url: str) -> str | None:
    """`url` as an https link on FDA's own site (an http link to it upgraded), or on the server
    CGT_ATLAS_FDA_CGT_BASE_URL names; None when it is off-site."""
    return s.FDA.follow(url)


def _cell_text(cell: Tag) -> str:
    return (clean_text(cell.get_text(" ")) or "").casefold()


def find_roster(soup: BeautifulSoup) -> Tag | None:
    """The table whose header row names every column in ROSTER_HEADERS, wherever it sits."""
    for table in soup.find_all("table"):
        header = table.find("tr")
        if header is None:
            continue
        names = {_cell_text(cell) for cell in header.find_all(["th", "td"])}
        if all(name in names for name in s.ROSTER_HEADERS):
            return table
    return None


def is_index_page(soup: BeautifulSoup) -> bool:
    return find_roster(soup) is not None


def read_roster(soup: BeautifulSoup, where: str) -> list[RosterEntry]:
    """Every product row of the roster; no roster, or an empty one, means the page changed."""
    table = find_roster(soup)
    if table is None:
        headers = [clean_text(th.get_text(" ")) for th in soup.find_all("th")][:12]
        raise PageStructureChanged(
            f"FDA page structure changed: {where} has no table headed "
            f"{' | '.join(repr(h) for h in s.ROSTER_HEADERS)} (table headers found: {headers})"
        )
    header, *rows = table.find_all("tr")
    names = [_cell_text(cell) for cell in header.find_all(["th", "td"])]
    product_at, maker_at = (names.index(name) for name in s.ROSTER_HEADERS)
    entries = []
    for row in rows:
        cells = row.find_all(["td", "th"])
        if len(cells) <= max(product_at, maker_at):
            continue
        product = cells[product_at]
        link = product.find("a", href=True)
        trade, proper = split_trade_and_proper(clean_text(product.get_text(" ")) or "")
        url = None
        if link:
            href = urljoin(s.FDA.base(), str(link["href"]).strip())
            url = on_fda_site(href)
            if url is None:
                # Skipping the row would load a roster one product short and call it complete;
                # following the link would scrape another site as if it were FDA's. Neither.
                raise PageStructureChanged(
                    f"FDA roster on {where}: the row for {trade!r} links off FDA's site, to {href} "
                    f"(only https pages on {', '.join(s.FDA.hosts())} are followed)"
                )
        entries.append(
            RosterEntry(
                trade_name=trade,
                proper_name=proper,
                manufacturer=clean_text(cells[maker_at].get_text(" ")),
                url=url,
            )
        )
    if not entries:
        raise PageStructureChanged(f"FDA page structure changed: the roster on {where} has no product rows")
    return entries


def split_trade_and_proper(text: str) -> tuple[str, str | None]:
    """`ABECMA (idecabtagene vicleucel)` -> ('ABECMA', 'idecabtagene vicleucel'); ™ and ® dropped."""
    text = text.replace("™", "").replace("®", "").strip()
    match = re.match(s.TRADE_AND_PROPER, text)
    if not match:
        return text, None
    return match["trade"].strip(), match["proper"].strip() or None


def _labelled(soup: BeautifulSoup, label: str) -> str | None:
    """The text after `label:` in the block (p, li, div, dd, td) that starts with it."""
    node = soup.find(string=re.compile(rf"^\s*{re.escape(label)}\s*:?", re.IGNORECASE))
    if node is None:
        return None
    block = node.find_parent(["p", "li", "dd", "td", "div"]) or node.parent
    text = clean_text(block.get_text(" ")) or ""
    return clean_text(re.sub(rf"^{re.escape(label)}\s*:?", "", text, flags=re.IGNORECASE))


def _letter_date(text: str) -> str | None:
    for fmt in s.LETTER_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def read_product_page(soup: BeautifulSoup, url: str) -> AgencyRecord:
    """One product page as an approval; fields the page lacks stay NULL so validation says so."""
    heading = clean_text(soup.find("h1").get_text(" ")) if soup.find("h1") else None
    if heading and "page not found" in heading.casefold():  # fda.gov answers some dead links with 200
        heading = None
    trade, proper = split_trade_and_proper(heading or "")
    trade = _labelled(soup, "Tradename") or _labelled(soup, "Trade Name") or trade or None
    proper = _labelled(soup, "Proper Name") or proper
    stn = re.search(s.STN, soup.get_text(" "))
    letters = sorted(
        date
        for anchor in soup.find_all("a")
        if (found := re.search(s.APPROVAL_LETTER, clean_text(anchor.get_text(" ")) or ""))
        and (date := _letter_date(found["date"]))
    )
    indication = _labelled(soup, "Indication") or _labelled(soup, "Indicated for")
    # A bracketed alias, `exa-cel [exagamglogene autotemcel]`, keeps the INN as the substance.
    bracketed = re.search(r"\[(.+?)\]", proper or "")
    slug = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return AgencyRecord(
        record_id=f"fda_cgt:{slug}",
        agency="FDA",
        outcome=APPROVED,
        status="authorised",  # the roster lists what is licensed now
        brand_name=trade.upper() if trade else None,
        active_substance=bracketed.group(1) if bracketed else proper,
        common_name=proper if bracketed else None,
        holder=_labelled(soup, "Manufacturer"),
        decision_date=letters[0] if letters else None,  # the earliest letter is the original approval
        status_date=None,
        approval_type=None,
        indication=indication,
        agency_record_no=stn["stn"] if stn else None,
        source_kind="scraped",
        source_url=url,
    )


def fetch_pages(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """The roster page, then every product page it links to, one crawl delay apart.

    Pages handed in at data/inbox/fda_cgt/ (the roster and product pages saved from a browser)
    are landed instead: the way round FDA's bot block.
    """
    return fetch_or_hand_in(
        "fda_cgt",
        "FDA's site",
        frozenset({".html", ".htm"}),
        landing,
        on_page,
        lambda: _crawl(client, landing, on_page),
    )


def _crawl(client: PoliteClient, landing: RawLanding, on_page: ProgressCallback | None) -> FetchResult:
    """A product link that is dead (404, 410) is landed with its status and quarantined by the
    parse, naming its URL; the rest of the roster loads."""
    client.min_interval = max(client.min_interval, s.crawl_delay())
    index_url = s.FDA.url(s.INDEX_PATH)
    response = client.get(index_url, expect="html")
    landing.write(response.content, url=index_url, params=None, status=response.status_code, suffix=".html")
    roster = [e for e in read_roster(BeautifulSoup(response.content, "html.parser"), index_url) if e.url]
    if on_page:
        on_page(1, len(roster) + 1)
    for entry in roster:
        assert entry.url is not None
        page = client.get(entry.url, expect="html", keep_statuses=s.DEAD_LINK_STATUSES)
        landing.write(page.content, url=entry.url, params=None, status=page.status_code, suffix=".html")
        if on_fda_site(page.url) is None:  # a page on FDA's site that redirected elsewhere
            raise PageStructureChanged(
                f"FDA product page {entry.url} for {entry.trade_name!r} redirected off FDA's site, to "
                f"{page.url} (kept as {landing.folder}/page-{landing.pages:04d}.html)"
            )
        if on_page:
            on_page(1, len(roster) + 1)
    return FetchResult(pages=landing.pages, rows=len(roster), reported_total=len(roster))
