#!/usr/bin/env python3
"""Write the "Flywheel Notes" sample blog and its expected crawl results.

    python3 examples/sample-blog/make_site.py

A small Blogger blog, as static files under site/ (a URL path /x/ is the file
site/x/index.html), built from the one table of posts below, so the pages and
the ground truth under expected/ cannot drift apart:

  site/_routes.tsv      PATH <TAB> STATUS <TAB> LOCATION, redirects only
  expected/posts.tsv    url, title, date (the date Blogger shows, YYYY-MM-DD)
  expected/edges.tsv    source, target, kind: distinct post-to-post links
                        written in post bodies, target resolved to the canonical
                        post URL; kind "related" when the link stands in a
                        block led by "If interested see", "Related",
                        "And related", "Previously", "See also", "And the links
                        we embedded" or "Further reading", else "inline"
  expected/orphans.tsv  posts that no other post's body links to
  expected/broken.tsv   body links whose normalised target answers 404
  expected/topics.tsv   the theme a reader would give each post

Links outside post bodies (sidebar, pager, comments, home and archive listings,
the /p/about.html page) are never edges. After writing, the script re-reads
every post page with html.parser, classifies and resolves each body link on
its own, and fails if that disagrees with the table. Python 3 stdlib only;
the output is the same on every run.
"""
import hashlib
import os
import re
import shutil
import sys
from datetime import date, datetime, timedelta, timezone
from html import escape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = "https://flywheel-notes.blogspot.com"
BLOG_TITLE = "Flywheel Notes"
BLOG_DESC = "Notes on competitive advantage, inequality and the companies that compound."
BLOG_ID = "7301984455637210937"
AUTHOR = "Climateer"
LEADS = ("If interested see", "Related", "And related", "Previously", "See also",
         "And the links we embedded", "Further reading")

# ---------------------------------------------------------------------------
# Body blocks. In a block, {{key|variant|anchor}} is a link to the post KEY
# spelled as VARIANT (see href()); anchor defaults to the post's title.
# key "self" is the post itself; key "missing:/path" a post never published.
# P = <p> paragraph, B = text ended by <br /><br /> (Blogger's old editor),
# Q = blockquote; links in these are inline. REL(lead, style, items) is a
# lead-in line followed by a <ul> (style "ul") or by "- " lines separated by
# <br /> (style "br"); its links are related. RAW is copied as is; MORE is
# the jump break (<a name="more">) that cuts the post on home/archive pages.


def P(t): return ("p", t)
def B(t): return ("br", t)
def Q(t): return ("quote", t)
def RAW(t): return ("raw", t)
def REL(lead, style, *items): return ("rel", lead, style, items)


MORE = ("more",)

TECHCRUNCH = ("https://techcrunch.com/2024/01/26/tesla-to-spend-500m-to-bring-its-dojo-"
              "supercomputer-project-to-buffalo-factory/")

# key, date, time, path, title, labels, theme, old_path, body, comments
POSTS = [
    dict(key="napkin", date="2018-06-12", time="10:15",
         path="/2018/06/amazons-flywheel-drawn-on-napkin.html",
         title="Amazon’s Flywheel, Drawn on a Napkin",
         labels=["Flywheel", "Amazon"], theme="flywheel",
         body=[
             P("The story has been told so often it has become business-school folklore: in 2001 Jeff "
               "Bezos sketched a loop on a napkin. Lower prices bring more customers; more customers bring "
               "more third-party sellers; more sellers widen the selection and spread the fixed costs, which "
               "allows still lower prices. Every arrow feeds the next one."),
             B("What makes the drawing interesting is not any single arrow but the fact that the loop has no "
               "natural stopping point. A competitor can copy a price cut. It cannot easily copy a cycle that "
               "has been turning for two decades and gets a little faster with every rotation."),
             P('We will be coming back to this picture a lot. Jim Collins has the long version in '
               '<a href="https://www.jimcollins.com/concepts/the-flywheel.html">his flywheel essay</a>. '
               'Disagree? {{self|comment|Tell us where the napkin is wrong}}.'),
         ]),
    dict(key="bigdata", date="2018-08-21", time="07:30",
         path="/2018/08/big-data-and-winner-take-all-economy.html",
         title="Big Data and the Winner-Take-All Economy: Two Lengths at the Racetrack",
         labels=["Competitive Advantage", "Big Data"], theme="flywheel",
         body=[
             B("A note on why the data story matters more than the data business."),
             B("Much more important than the direct monetization of big data is the strategic advantage it "
               "can bestow over time."),
             B("In a winner-take-all economy, as in a horse race, small differences in superiority are "
               "rewarded all out of proportion to the actual advantage. A top thoroughbred may only be a "
               "couple fifths of a second faster than the field but those two lengths over the course of a "
               "season can mean triple the earnings for #1 vs. #2."),
             B("In commerce the results can be even more dramatic because rather than the 60%/20%/10% purse "
               "structure of the racetrack the winning vendor will often get 100% of a customer’s business."),
             P("It is the same loop as {{napkin|root|the one Amazon drew on a napkin}}: the leader’s data "
               "makes the product better, which brings more users, which brings more data."),
         ]),
    dict(key="claremont", date="2018-10-30", time="09:00",
         path="/2018/10/a-very-smart-look-at-income-inequality.html",
         title="A Very Smart Look at Income Inequality: The Claremont Institute Book Review of "
               "“Winner-Take-All Politics: How Washington Made the Rich Richer—And Turned its Back on the "
               "Middle Class”",
         labels=["Inequality", "Books"], theme="inequality",
         body=[
             P("Hacker and Pierson argue that American inequality is not mainly the product of impersonal "
               "forces like technology and trade but of politics: decades of rule-writing on taxes, finance "
               "and labor that tilted the field toward the top. The Claremont reviewer is no fan of the "
               "authors’ politics, which is what makes the review worth reading—he takes the data seriously "
               "even where he rejects the prescription."),
             P("The part that interests us is the winner-take-all mechanism itself. When rewards are set by "
               "rank rather than by absolute performance, a sliver of advantage turns into a mountain of "
               "income. We made the same point about firms in {{bigdata|abs|Big Data and the Winner-Take-All "
               "Economy}} a couple of months ago."),
             P('Read the <a href="https://claremontreviewofbooks.com/">whole review</a>.'),
         ]),
    dict(key="amazon", date="2019-02-19", time="06:45",
         path="/2019/02/how-amazon-rebuilt-itself-around.html",
         title="How Amazon Rebuilt Itself Around Artificial Intelligence",
         labels=["AI", "Amazon", "Big Tech"], theme="big-tech",
         body=[
             P("Wired’s long piece on how machine learning went from a research group to the operating "
               "system of the company. The recommendation engine, demand forecasting, the warehouse robots, "
               "Alexa—each team was pushed to build on shared models and shared infrastructure."),
             P("The part we would underline is how neatly the AI program bolts onto {{napkin|more|the "
               "original flywheel}}: better predictions lower costs, lower costs fund lower prices, lower "
               "prices bring more customers and more data for the next round of predictions."),
             REL("Previously:", "br", ("bigdata", "root")),
         ],
         comments=[("Anonymous", None, 'Same idea at <a href="https://aws.amazon.com/machine-learning/" '
                                       'rel="nofollow">AWS</a>, sold to everyone else.')]),
    dict(key="corpineq", date="2019-04-09", time="08:00",
         path="/2019/04/hbr-corporations-in-age-of-inequality.html",
         title="HBR: Corporations in the Age of Inequality — Inequality isn’t just about individuals — "
               "it’s risen between companies, too.",
         labels=["Inequality", "HBR"], theme="inequality",
         body=[
             P('From the <a href="https://hbr.org/2017/03/corporations-in-the-age-of-inequality">Harvard '
               'Business Review</a>: most of the rise in wage inequality over the last three decades shows '
               'up between firms rather than within them. The janitor at the superstar company and the '
               'janitor at the laggard may do the same job, but they increasingly work for very different '
               'kinds of businesses.'),
             P("That framing ties together two threads we keep pulling on. One is the personal-income story "
               "told in {{claremont|m1|the Claremont review of “Winner-Take-All Politics”}}; the other is "
               "the corporate story of leaders pulling away from everyone else, which we sketched in "
               "{{bigdata|root|our note on big data and the racetrack}}."),
             B("If the gap between firms is where the action is, then competition policy is inequality "
               "policy, whether anyone intends it or not."),
         ]),
    dict(key="fhi", date="2019-06-04", time="11:00",
         path="/2019/06/fhi-who-gets-benefits-of-artificial.html",
         title="FHI: Who Gets The Benefits Of Artificial Intelligence?",
         labels=["AI", "Inequality"], theme="inequality",
         body=[
             P("Oxford’s Future of Humanity Institute asks the question the sell-side research we read "
               "never seems to touch: if machine learning delivers the productivity boom its boosters "
               "promise, who ends up owning it?"),
             P("Their answer, roughly, is that the default path concentrates the gains in the few "
               "organizations that own the compute, the data and the talent—and that the split between "
               "companies matters as much as the split between people, a point HBR made in "
               "{{corpineq|abs|Corporations in the Age of Inequality}}."),
             REL("See also:", "ul", ("claremont", "abs")),
         ]),
    dict(key="fgaw", date="2019-09-10", time="08:30",
         path="/2019/09/facebook-google-and-amazon-wield-power.html",
         title="“Facebook, Google and Amazon Wield Power Over Us All, and Everyone Should Be Worried” "
               "(AMZN; FB; GOOG)",
         labels=["Big Tech", "Regulation"], theme="big-tech",
         body=[
             P("A columnist’s case that the three companies now act as private regulators of commerce, news "
               "and advertising: they set the rules, collect the tolls and referee the disputes on their "
               "own platforms."),
             P("We are less alarmed than the author about the politics and more interested in the economics. "
               "A firm that sits in the middle of that many transactions learns faster than anyone dealing "
               "with it, which is exactly what we described in {{amazon|m1|How Amazon Rebuilt Itself Around "
               "Artificial Intelligence}}."),
             REL("And related:", "br", ("corpineq", "root")),
         ]),
    dict(key="superstar", date="2019-09-24", time="07:00",
         path="/2019/09/superstar-firms-and-fall-of-labors-share.html",
         title="Superstar Firms and the Fall of Labor’s Share",
         labels=["Inequality", "Economics"], theme="inequality",
         body=[
             P("The Autor, Dorn, Katz, Patterson and Van Reenen paper on superstar firms is the best single "
               "explanation we have seen for why labor’s share of national income has been sliding. It is "
               "not that every company pays its workers less; it is that sales are shifting toward a "
               "handful of highly profitable firms with low labor shares."),
             P("That is the firm-level inequality story from {{corpineq|more|HBR’s piece on corporations}} "
               "told with census data, and it fits the platform picture in {{fgaw|root|our post on Facebook, "
               "Google and Amazon}} two weeks ago."),
         ]),
    dict(key="costco", date="2020-05-14", time="08:00",
         path="/2020/05/costcos-membership-flywheel.html",
         title="Costco’s Membership Flywheel",
         labels=["Flywheel", "Retail"], theme="flywheel",
         body=[
             P("Costco makes most of its operating profit from membership fees, not from the goods on the "
               "shelves. That lets it mark up merchandise by a sliver, which keeps members renewing, which "
               "keeps the fees flowing, which lets it keep markups low."),
             P("It is a cousin of {{napkin|abs|Amazon’s napkin}}: scale economies shared with the customer "
               "rather than kept, spinning since the 1980s. (Longtime readers know how we feel about this "
               'stuff; the <a href="/p/about.html">about page</a> has the short version.)'),
             REL("Related:", "ul", ("bigdata", "m1")),
         ]),
    dict(key="conc", date="2020-08-25", time="09:30",
         path="/2020/08/the-concentration-of-economic-power-has.html",
         title="“The Concentration of Economic Power Has Led to Spectacular Investment Returns”",
         labels=["Inequality", "Markets"], theme="inequality",
         body=[
             P("The FT’s observation is simple enough: if you owned the index over the last decade, most of "
               "your gains came from a handful of names. Concentration in the real economy became "
               "concentration in portfolios."),
             P("The economics behind it are in {{superstar|abs|Superstar Firms and the Fall of Labor’s "
               "Share}}; the politics are in {{claremont|showc|the Claremont review}}. What is new is how "
               "little of it reaches anyone outside the top of the distribution: most households own little "
               "or no stock."),
             B("Mr. Market is rewarding the winners exactly as a winner-take-all model says he should."),
         ]),
    dict(key="bigger", date="2020-11-17", time="08:00",
         path="/2020/11/why-do-biggest-companies-keep-getting.html",
         title="“Why Do the Biggest Companies Keep Getting Bigger? It’s How They Spend on Tech”",
         labels=["Big Tech", "Competitive Advantage"], theme="big-tech",
         body=[
             P("James Bessen’s answer, via the Wall Street Journal: the leaders are not just bigger, they "
               "spend differently. Proprietary software, built in-house and tuned to their own operations, "
               "lets large firms manage complexity that would swamp a smaller rival."),
             P("The result is a loop that runs on IT budgets. Bigger firms can afford more custom systems, "
               "which make them more productive, which makes them bigger. The labor-share side of it is in "
               "{{superstar|dotdot|our superstar-firms post}}."),
             REL("If interested see:", "br", ("amazon", "abs")),
         ]),
    dict(key="cafl", date="2021-05-11", time="08:00",
         path="/2021/05/competitive-advantage-and-feedback-loops.html",
         old_path="/2021/05/competitive-advantage-and-feedback.html",
         title="Competitive Advantage and Feedback Loops",
         labels=["Flywheel", "Competitive Advantage"], theme="flywheel",
         body=[
             P("Most competitive advantages decay. Patents expire, brands fade, a better mousetrap gets "
               "copied. The exceptions tend to have one thing in common: the advantage feeds itself."),
             P("A feedback loop turns a one-time edge into a compounding one. More users make the product "
               "better; a better product attracts more users. Lower costs allow lower prices; lower prices "
               "bring volume; volume lowers costs. {{napkin|utm|Amazon’s napkin sketch}} is the canonical "
               "diagram, but the pattern shows up in search, in payments and in chip manufacturing."),
             B("The useful question for an investor is not “does this company have an advantage?” but "
               "“does the advantage get bigger as the company gets bigger?”"),
         ],
         comments=[("Dave in Denver", "https://www.blogger.com/profile/04417750101953316662",
                    'Good one. Pairs well with {{napkin|abs|the napkin post}}.')]),
    dict(key="chips", date="2021-05-25", time="07:15",
         path="/2021/05/ai-designs-computer-chips-for-more.html",
         title="“AI Designs Computer Chips for More Powerful AI” (GOOG)",
         labels=["AI", "Big Tech", "Semiconductors"], theme="big-tech",
         body=[
             P("Google’s researchers report a reinforcement-learning system that does chip floorplanning, "
               "placing the blocks of a processor on silicon, in hours instead of the weeks human engineers "
               "need, with results at least as good."),
             P("The chips in question are Google’s own TPUs, used to train the next generation of models, "
               "which will presumably design the next generation of chips. If there is a purer example of a "
               "loop that feeds itself we have not seen it, though {{amazon|abs|Amazon’s AI rebuild}} "
               "comes close."),
         ]),
    dict(key="meta", date="2021-09-14", time="08:00",
         path="/2021/09/flywheel-effect-why-positive-feedback.html",
         title="Flywheel Effect: Why Positive Feedback Loops Are a Meta-Competitive Advantage",
         labels=["Flywheel", "Competitive Advantage", "Strategy"], theme="flywheel",
         body=[
             P("A competitive advantage lets you win a game. A positive feedback loop lets you win the next "
               "game too, because winning this one improves your position for the next. That makes it an "
               "advantage about advantages: a meta-competitive advantage."),
             P("We laid out the basic mechanics in {{cafl|root|Competitive Advantage and Feedback Loops}} in "
               "May. The extension here is time: two firms with identical products today will not be "
               "identical in five years if one of them has a loop and the other does not."),
             REL("Related:", "ul", ("napkin", "abs")),
         ]),
    dict(key="quantum", date="2021-12-02", time="08:00",
         path="/2021/12/inside-big-techs-high-stakes-race-for.html",
         title="“Inside Big Tech’s High-Stakes Race for Quantum Supremacy”",
         labels=["Big Tech", "Quantum Computing"], theme="big-tech",
         body=[
             P("Google, IBM, Microsoft and Amazon are each spending heavily on machines that may not be "
               "commercially useful for a decade. The Guardian walks through the different bets, from "
               "superconducting qubits to trapped ions, and the bragging rights that come with each "
               "milestone."),
             P("Only companies with enormous, reliable cash flows can fund research on that timeline, which "
               "is one more way scale turns into advantage. Google at least has a head start in using its "
               "own tools to build its own hardware, as in {{chips|dotdot|AI designing AI chips}}."),
         ]),
    dict(key="peasant", date="2022-01-13", time="09:00",
         path="/2022/01/not-into-quantum-computers-then-youve.html",
         title="Not into quantum computers? Then you’ve made the decision to be a peasant, working for "
               "those who are.",
         labels=["Quantum Computing", "Big Tech"], theme="big-tech",
         body=[
             P("A deliberately provocative headline, but the argument underneath is sober. The organizations "
               "that master a general-purpose technology early get to set the terms on which everybody else "
               "uses it. Steam, electricity, the mainframe, the cloud: each produced a class of owners and a "
               "much larger class of renters."),
             B("Quantum computing may or may not be the next one. The point is that the decision to ignore "
               "it is still a decision."),
             REL("Previously:", "br", ("quantum", "m1"), ("fhi", "abs")),
         ]),
    dict(key="think", date="2022-02-08", time="08:00",
         path="/2022/02/how-to-think-about-companies-advantage.html",
         title="How to Think About Companies: “Advantage Flywheels”",
         labels=["Flywheel", "Strategy"], theme="flywheel",
         body=[
             P("A framework we have found useful: for any company, draw its advantage flywheel. What are the "
               "two or three things that, once they get going, make each other stronger? If you cannot draw "
               "the loop, the company probably does not have one, and its margins will eventually be "
               "competed away."),
             P("Examples are everywhere once you look: {{costco|root|Costco’s membership model}}, "
               "{{napkin|more|Amazon’s retail loop}}, the ad auction at Google. There is more under our "
               '<a href="https://flywheel-notes.blogspot.com/search/label/Flywheel">Flywheel label</a>.'),
             REL("Further reading:", "ul", ("cafl", "abs")),
         ]),
    dict(key="copper", date="2022-07-12", time="08:00",
         path="/2022/07/copper-cobalt-and-long-squeeze.html",
         title="Copper, Cobalt & the Long Squeeze",
         labels=["Commodities", "Mining"], theme="other",
         body=[
             P("Copper has fallen more than 30% from its March high as recession worries hit every industrial "
               "metal at once. The long-run picture has not changed: electrification needs more of it, and "
               "new mines take a decade or more from discovery to first production."),
             P("Cobalt is the smaller, stranger market. Most supply comes as a by-product of copper and nickel "
               "mining, so its price can swing for reasons that have nothing to do with battery demand. More "
               'on the supply side from <a href="https://www.mining.com/">Mining.com</a>.'),
         ]),
    dict(key="divide", date="2022-10-18", time="08:00",
         path="/2022/10/analyzing-deepening-divide-in-learning.html",
         title="“Analyzing the Deepening Divide in Learning Capabilities Between a Few Corporate Giants and "
               "the Rest of the World.” (plus advantage flywheels)",
         labels=["Flywheel", "AI"], theme="flywheel",
         body=[
             P("The essay’s claim: the most important gap in the economy is not between rich and poor but "
               "between organizations that learn quickly and those that do not. A handful of giants can run "
               "thousands of experiments a week, feed the results back into their products, and learn from "
               "customers at a pace no smaller firm can match."),
             P("That is an advantage flywheel in its purest form (see {{think|m1|How to Think About "
               "Companies}}) and it compounds in exactly the way described in {{meta|abs|Flywheel Effect: Why "
               "Positive Feedback Loops Are a Meta-Competitive Advantage}}."),
             REL("Further reading:", "ul", ("chips", "root")),
         ]),
    dict(key="payout", date="2022-10-27", time="10:30",
         path="/2022/10/an-ai-payout-should-companies.html",
         title="“An AI Payout? Should Companies Remunerate Society for Lost Jobs?”",
         labels=["AI", "Inequality", "Policy"], theme="inequality",
         body=[
             P("The proposal making the rounds: companies that replace workers with software should pay into "
               "a fund that compensates the people displaced. Call it a robot tax, a windfall clause or an AI "
               "dividend; the mechanics are hard (how do you measure a job that was never created?) but the "
               "question is not going away."),
             P("It is a practical version of the question we asked in {{fhi|abs|FHI: Who Gets the Benefits of "
               'Artificial Intelligence?}}. <a href="https://techcrunch.com/2022/10/26/ai-payout-windfall-'
               'clause/">TechCrunch has the details</a>.'),
             P("Update: we look at the design problems in {{missing:/2022/11/an-ai-payout-part-two.html|root|"
               "part two}}."),
         ]),
    dict(key="moat", date="2023-09-05", time="08:00",
         path="/2023/09/americas-biggest-firms-moat-is-becoming.html",
         title="“America’s Biggest Firms’ Moat Is Becoming Impregnable” (TSLA; NVDA; GOOG)",
         labels=["Competitive Advantage", "Big Tech"], theme="flywheel",
         body=[
             P("The Economist’s data point: the chance that a firm in the top tenth by profits drops out of "
               "the top tenth within a decade has fallen sharply. Incumbents used to get knocked off "
               "regularly; now they mostly stay put."),
             P("The usual suspects, Tesla’s manufacturing data, Nvidia’s software ecosystem and Google’s "
               "search and ad loop, are all advantages that grow with scale. The spending side of the story "
               "is in {{bigger|root|Why Do the Biggest Companies Keep Getting Bigger?}}."),
             REL("See also:", "ul", ("fgaw", "m1")),
         ],
         comments=[("Anonymous", None, "The moat is the capex. See {{bigger|abs|this one}}.")]),
    dict(key="hbr", date="2023-09-19", time="08:00",
         path="/2023/09/hbrfrom-pareto-to-hyper-pareto-ai-is.html",
         title="HBR—From Pareto To Hyper-Pareto: “AI Is Going to Change the 80/20 Rule”",
         labels=["AI", "Inequality", "HBR"], theme="inequality",
         body=[
             P('From <a href="https://hbr.org/2023/09/ai-is-going-to-change-the-80-20-rule">HBR</a>: AI '
               "will sharpen the familiar 80/20 distribution into something much steeper, a world where a "
               "few percent of people, products and firms produce nearly all of the value."),
             P("This type of information advantage is more and more accruing to the biggest and richest of "
               "corporations. It is a type of rich-get-richer advantage akin to the flywheel effect, which "
               "we have described as {{cafl|old|feedback loops}} and as {{meta|more|a meta-competitive "
               "advantage}}."),
             REL("Previously:", "ul", ("think", "abs"), ("divide", "root"), ("moat", "m1")),
         ]),
    dict(key="natgas", date="2023-11-07", time="21:30",
         path="/2023/11/natural-gas-storage-and-winter-ahead.html",
         title="Natural Gas Storage and the Winter Ahead",
         labels=["Energy", "Commodities"], theme="other",
         body=[
             P("U.S. working gas in storage is running well above the five-year average heading into the "
               "heating season, and European storage is essentially full. That is a very different setup "
               "from the panic of 2022."),
             P("Weather still rules. A cold January can chew through a comfortable cushion in a few weeks; a "
               "mild one leaves producers wondering why they drilled. The weekly numbers are at the "
               '<a href="https://www.eia.gov/naturalgas/storage/">EIA</a>.'),
         ],
         comments=[("Grain Trader", None, "Copper tells the same story: {{copper|abs|your July post}}.")]),
    dict(key="seed", date="2024-01-26", time="08:00",
         path="/2024/01/teslas-500-million-dojo-bet-and-hyper.html",
         title="Tesla’s $500 Million Dojo Bet and the Hyper-Pareto Distribution of Profits",
         labels=["AI", "Big Tech", "Flywheel", "Tesla"], theme="big-tech",
         body=[
             B("Mr. Musk says if the company can get financial returns from the computers they will keep "
               "building them."),
             B('From <a href="%s">TechCrunch</a>, January 26:' % TECHCRUNCH),
             RAW('<blockquote><b>Tesla to spend $500M to bring its Dojo supercomputer project to Buffalo '
                 'factory</b><br />\nTesla will spend $500 million to build one of its so-called “Dojo” '
                 'supercomputers at its Buffalo, New York factory, the state’s governor Kathy Hochul said '
                 'Friday during a news conference just days after CEO Elon Musk called the project a “long '
                 'shot.”<br />\n....<b><a href="%s">MUCH MORE</a></b></blockquote>' % TECHCRUNCH),
             MORE,
             RAW('<blockquote class="twitter-tweet"><p dir="ltr" lang="en">The governor is correct that this '
                 'is a Dojo Supercomputer, but $500M, while obviously a large sum of money, is only equivalent '
                 'to a 10k H100 system from Nvidia.<br /><br />Tesla will spend more than that on Nvidia '
                 'hardware this year. The table stakes for being competitive in AI are at…</p>— Elon Musk '
                 '(@elonmusk) <a href="https://twitter.com/elonmusk/status/1750000000000000000?ref_src='
                 'twsrc%5Etfw">January 26, 2024</a></blockquote> <script async="async" charset="utf-8" '
                 'src="https://platform.twitter.com/widgets.js"></script>'),
             B("And that, for all the young business brainiacs out there, is why we keep going on and on "
               "about competitive flywheels and {{hbr|m1|hyper-pareto distribution of profits}}. It’s not 80% "
               "of the loot going to the top 20% of companies; it is 95% going to the 5% that can afford to "
               "sit at the table."),
             REL("If interested see September 2023’s:", "br", ("hbr", "abs")),
             REL("And the links we embedded in that post:", "ul",
                 ("cafl", "old"), ("think", "abs"), ("meta", "utm"), ("divide", "abs"), ("moat", "root")),
             REL("And related, now that we see what is happening, what, if anything, should society do "
                 "about it?", "br",
                 ("fhi", "abs"), ("chips", "m1"), ("quantum", "abs"), ("peasant", "root")),
             REL("And related: the rich get richer.", "br",
                 ("conc", "abs"), ("payout", "more"), ("amazon", "abs"), ("claremont", "dotdot"),
                 ("fgaw", "abs"), ("corpineq", "utm"), ("bigger", "abs")),
             B("As we put it back in 2018 in {{bigdata|abs|Big Data and the Winner-Take-All Economy}}:"),
             Q("...Much more important than the direct monetization of big data is the strategic advantage "
               "it can bestow over time.<br />\n<br />\nIn a winner-take-all economy, as in a horse race, "
               "small differences in superiority are rewarded all out of proportion to the actual advantage. "
               "A top thoroughbred may only be a couple fifths of a second faster than the field but those "
               "two lengths over the course of a season can mean triple the earnings for #1 vs. #2.<br />\n"
               "<br />\nIn commerce the results can be even more dramatic because rather than the "
               "60%/20%/10% purse structure of the racetrack the winning vendor will often get 100% of a "
               "customer’s business....."),
         ],
         comments=[("Anonymous", None, "Ten thousand H100s as table stakes. Wild."),
                   ("Bill M.", "https://www.blogger.com/profile/11839215500412718814",
                    "You said the same about the 80/20 rule: {{hbr|abs|September’s HBR post}}.")]),
    dict(key="nvda", date="2024-02-22", time="07:30",
         path="/2024/02/nvidias-quarter-table-stakes-keep-rising.html",
         title="Nvidia’s Quarter: The Table Stakes Keep Rising",
         labels=["AI", "Big Tech", "Semiconductors"], theme="big-tech",
         body=[
             P("Data-center revenue up roughly fourfold from a year ago, guidance above the whisper number, "
               "and a customer list that reads like the Fortune 50. The hyperscalers are buying every "
               "accelerator they can get."),
             P("A month ago Tesla told us that $500 million buys about ten thousand H100s (see {{seed|abs|the "
               "Dojo post}}). At that price the table stakes for frontier AI are measured in billions, and "
               "the number of companies that can afford a seat keeps shrinking."),
             REL("Previously:", "br", ("seed", "m1"), ("bigger", "abs")),
         ]),
    dict(key="oil", date="2024-03-05", time="08:00",
         path="/2024/03/oil-opec-and-futures-curve.html",
         title="Oil, OPEC+ and the Futures Curve: Backwardation Returns",
         labels=["Energy", "Oil", "Commodities"], theme="other",
         body=[
             P("Brent’s prompt spread has flipped back into backwardation, the market’s way of saying "
               "near-term barrels are scarcer than later ones. OPEC+ has extended its voluntary cuts through "
               "June, and OECD inventories are drawing."),
             P("The gas market, by contrast, is swimming in supply. We looked at storage in "
               "{{natgas|root|November}}, and the mild winter made the glut worse."),
         ]),
]

POPULAR = ["seed", "hbr", "copper", "amazon", "bigger"]   # sidebar widget, not content
ABOUT_LINKS = ["oil", "seed", "hbr"]                     # /p/about.html, not a post

# ---------------------------------------------------------------------------
BYKEY = {p["key"]: p for p in POSTS}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def nth_sunday(y, m, n):
    d = date(y, m, 1)
    d += timedelta(days=(6 - d.weekday()) % 7)
    return d + timedelta(days=7 * (n - 1))


def eastern(d):
    """US Eastern offset in hours on day D (the 2007 DST rule)."""
    return -4 if nth_sunday(d.year, 3, 2) <= d < nth_sunday(d.year, 11, 1) else -5


def stamp(d, hhmm):
    off = eastern(d)
    return "%sT%s:00%+03d:00" % (d.isoformat(), hhmm, off)


def month_ms(y, m):
    """Blogger's archive-widget toggle value: local month start, epoch ms."""
    d = date(y, m, 1)
    tz = timezone(timedelta(hours=eastern(d)))
    return int(datetime(y, m, 1, tzinfo=tz).timestamp()) * 1000


def year_ms(y):
    return month_ms(y, 1)


def clock(hhmm):
    h, m = map(int, hhmm.split(":"))
    return "%d:%02d %s" % ((h - 1) % 12 + 1, m, "AM" if h < 12 else "PM")


def post_id(p):
    """A stable 19-digit Blogger-like post id."""
    return str(10**18 + int(hashlib.sha1(p["path"].encode()).hexdigest(), 16) % (9 * 10**18))


for _p in POSTS:
    _p["d"] = date.fromisoformat(_p["date"])
    _p["url"] = BASE + _p["path"]
    _p["id"] = post_id(_p)
    _p.setdefault("old_path", None)
    _p.setdefault("comments", [])
POSTS.sort(key=lambda p: (p["date"], p["time"]))

UTM = "utm_source=feedburner&utm_medium=feed&utm_campaign=Feed%3A+FlywheelNotes+%28Flywheel+Notes%29"


def href(key, variant, src):
    """The spelling VARIANT of a link from post SRC to KEY (raw, not HTML-escaped)."""
    if key.startswith("missing:"):
        path = key[len("missing:"):]
        return path if variant == "root" else BASE + path
    p = src if key == "self" else BYKEY[key]
    return {
        "abs": p["url"],                                   # as the post editor inserts it
        "m1": p["url"] + "?m=1",                           # copied from the mobile site
        "more": p["url"] + "#more",                        # Blogger's jump-break anchor
        "utm": p["url"] + "?" + UTM,                       # copied from a FeedBurner item
        "root": p["path"],                                 # root-relative
        "dotdot": "../.." + p["path"],                     # relative to /YYYY/MM/x.html
        "old": BASE + (p["old_path"] or ""),               # pre-rename URL, answers 301
        "showc": p["url"] + "?showComment=1603728000000#c5512345678901234567",  # a comment permalink
        "comment": p["url"] + "#comment-form",             # self link
    }[variant]


TOKEN = re.compile(r"\{\{([^|}]+)\|([^|}]+)(?:\|([^}]*))?\}\}")


def fill(text, src, kind, links, rel_attr=""):
    """Replace link tokens in TEXT; record (key, variant, kind, href) in LINKS."""
    def sub(m):
        key, variant, anchor = m.group(1), m.group(2), m.group(3)
        h = href(key, variant, src)
        if links is not None:
            links.append((key, variant, kind, h))
        if anchor is None:
            anchor = escape(BYKEY[key]["title"])
        return '<a href="%s"%s>%s</a>' % (escape(h), rel_attr, anchor)
    return TOKEN.sub(sub, text)


def render_body(p):
    """(full html, html cut at the jump break or None, [links])."""
    links, out, cut = [], [], None
    for blk in p["body"]:
        kind = blk[0]
        if kind == "p":
            out.append("<p>%s</p>" % fill(blk[1], p, "inline", links))
        elif kind == "br":
            out.append("%s<br />\n<br />" % fill(blk[1], p, "inline", links))
        elif kind == "quote":
            out.append("<blockquote>%s</blockquote>" % fill(blk[1], p, "inline", links))
        elif kind == "raw":
            out.append(blk[1])
        elif kind == "more":
            cut = "\n".join(out)
            out.append("<a name='more'></a>")
        elif kind == "rel":
            lead, style, items = blk[1], blk[2], blk[3]
            anchors = [fill("{{%s|%s}}" % it, p, "related", links) for it in items]
            if style == "ul":
                out.append("%s<br />\n<ul>\n%s\n</ul>" % (escape(lead, quote=False),
                                                         "\n".join("<li>%s</li>" % a for a in anchors)))
            else:
                lines = anchors if len(anchors) == 1 else ["- " + a for a in anchors]
                out.append("%s<br />\n%s<br />\n<br />" % (escape(lead, quote=False),
                                                           "<br />\n".join(lines)))
    return "\n".join(out), cut, links


# ---------------------------------------------------------------------------
# Page parts, in the markup Blogger's "Simple" layout writes.

def label_url(label):
    return "%s/search/label/%s" % (BASE, label.replace(" ", "%20"))


def date_header(p):
    d = p["d"]
    return "%s, %s %d, %d" % (DAYS[d.weekday()], MONTHS[d.month - 1], d.day, d.year)


def post_block(p, body, item, cut=None, after=""):
    title = escape(p["title"])
    head = title if item else "<a href='%s'>%s</a>" % (p["url"], title)
    if not item and cut is not None:
        body = cut + ("\n<div class='jump-link'>\n<a href='%s#more' title='%s'>Read more &#187;</a>\n</div>"
                      % (p["url"], title))
    labels = ",\n".join("<a href='%s' rel='tag'>%s</a>" % (label_url(l), escape(l)) for l in p["labels"])
    ncom = len(p["comments"])
    comlink = ("<a class='comment-link' href='%s#comment-form' onclick=''>%s</a>"
               % (p["url"], "%d comment%s:" % (ncom, "" if ncom == 1 else "s") if ncom else "No comments:"))
    share = "".join(
        "<a class='goog-inline-block share-button sb-%s' href='https://www.blogger.com/share-post.g?blogID=%s"
        "&amp;postID=%s&amp;target=%s' target='_blank' title='%s'><span class='share-button-link-text'>%s"
        "</span></a>" % (t, BLOG_ID, p["id"], t, n, n)
        for t, n in (("email", "Email This"), ("blog", "BlogThis!"), ("twitter", "Share to X"),
                     ("facebook", "Share to Facebook")))
    return """<div class='post-outer'>
<div class='post hentry uncustomized-post-template' itemprop='blogPost' itemscope='itemscope' itemtype='http://schema.org/BlogPosting'>
<meta content='%(blog)s' itemprop='blogId'/>
<meta content='%(id)s' itemprop='postId'/>
<a name='%(id)s'></a>
<h3 class='post-title entry-title' itemprop='name'>
%(head)s
</h3>
<div class='post-header'>
<div class='post-header-line-1'></div>
</div>
<div class='post-body entry-content' id='post-body-%(id)s' itemprop='description articleBody'>
%(body)s
<div style='clear: both;'></div>
</div>
<div class='post-footer'>
<div class='post-footer-line post-footer-line-1'>
<span class='post-author vcard'>
Posted by
<span class='fn' itemprop='author' itemscope='itemscope' itemtype='http://schema.org/Person'>
<span itemprop='name'>%(author)s</span>
</span>
</span>
<span class='post-timestamp'>
at
<meta content='%(url)s' itemprop='url'/>
<a class='timestamp-link' href='%(url)s' rel='bookmark' title='permanent link'><abbr class='published' itemprop='datePublished' title='%(stamp)s'>%(clock)s</abbr></a>
</span>
<span class='post-comment-link'>
%(comlink)s
</span>
<span class='post-icons'>
<span class='item-control blog-admin pid-1581225375'>
<a href='https://www.blogger.com/post-edit.g?blogID=%(blog)s&amp;postID=%(id)s&amp;from=pencil' title='Edit Post'>
<img alt='' class='icon-action' height='18' src='https://resources.blogblog.com/img/icon18_edit_allbkg.gif' width='18'/>
</a>
</span>
</span>
<div class='post-share-buttons goog-inline-block'>
%(share)s
</div>
</div>
<div class='post-footer-line post-footer-line-2'>
<span class='post-labels'>
Labels:
%(labels)s
</span>
</div>
<div class='post-footer-line post-footer-line-3'>
<span class='post-location'>
</span>
</div>
</div>
</div>
%(after)s</div>""" % dict(blog=BLOG_ID, id=p["id"], head=head, body=body, author=AUTHOR, url=p["url"],
                 stamp=stamp(p["d"], p["time"]), clock=clock(p["time"]), comlink=comlink, share=share,
                 labels=labels, after=after + "\n" if after else "")


def date_outer(posts_html_by_day):
    """Group post blocks under one date header per day, as Blogger does."""
    out = []
    for header, blocks in posts_html_by_day:
        out.append("<div class=\"date-outer\">\n<h2 class='date-header'><span>%s</span></h2>\n"
                   "<div class=\"date-posts\">\n%s\n</div></div>" % (header, "\n".join(blocks)))
    return "\n".join(out)


def listing(posts, bodies):
    days = []
    for p in posts:
        blk = post_block(p, bodies[p["key"]][0], False, bodies[p["key"]][1])
        if days and days[-1][0] == date_header(p):
            days[-1][1].append(blk)
        else:
            days.append((date_header(p), [blk]))
    return date_outer(days)


def comments_block(p):
    cs = p["comments"]
    if not cs:
        return ("<div class='comments' id='comments'>\n<a name='comments'></a>\n<h4>No comments:</h4>\n"
                "<div id='Blog1_comments-block-wrapper'>\n<dl class='avatar-comment-indent' id='comments-block'>"
                "\n</dl>\n</div>\n<p class='comment-footer'>\n<a href='https://www.blogger.com/comment/"
                "fullpage/post/%s/%s' onclick=''>Post a Comment</a>\n</p>\n</div>" % (BLOG_ID, p["id"]))
    items = []
    for n, (who, profile, text) in enumerate(cs):
        cid = str(int(p["id"]) % 10**17 + 1000 + n)
        when = datetime.fromisoformat(stamp(p["d"], p["time"])) + timedelta(minutes=97 * (n + 1))
        ms = int(when.timestamp()) * 1000
        author = ("<a href='%s' rel='nofollow'>%s</a>" % (profile, escape(who)) if profile
                  else escape(who))
        items.append("""<dt class='comment-author ' id='c%(cid)s'>
<a name='c%(cid)s'></a>
%(author)s
said...
</dt>
<dd class='comment-body' id='Blog1_cmt-%(cid)s'>
<p>
%(text)s
</p>
</dd>
<dd class='comment-footer'>
<span class='comment-timestamp'>
<a href='%(url)s?showComment=%(ms)d#c%(cid)s' title='comment permalink'>
%(when)s
</a>
<span class='item-control blog-admin pid-1581225375'>
<a class='comment-delete' href='https://www.blogger.com/comment/delete/%(blog)s/%(cid)s' title='Delete Comment'>
<img src='https://resources.blogblog.com/img/icon_delete13.gif'/>
</a>
</span>
</span>
</dd>""" % dict(cid=cid, author=author, text=fill(text, p, "comment", None, ' rel="nofollow"'),
                 url=p["url"], ms=ms, blog=BLOG_ID,
                 when="%s %d, %d at %s" % (MONTHS[when.month - 1], when.day, when.year,
                                           clock(when.strftime("%H:%M")))))
    return """<div class='comments' id='comments'>
<a name='comments'></a>
<h4>%d comment%s:</h4>
<div id='Blog1_comments-block-wrapper'>
<dl class='avatar-comment-indent' id='comments-block'>
%s
</dl>
</div>
<p class='comment-footer'>
<a href='https://www.blogger.com/comment/fullpage/post/%s/%s' onclick=''>Post a Comment</a>
</p>
</div>""" % (len(cs), "" if len(cs) == 1 else "s", "\n".join(items), BLOG_ID, p["id"])


def archive_widget(exp_year, exp_month):
    years = sorted({p["d"].year for p in POSTS}, reverse=True)
    out = ["<div class='widget BlogArchive' data-version='1' id='BlogArchive1'>", "<h2>Blog Archive</h2>",
           "<div class='widget-content'>", "<div id='ArchiveList'>", "<div id='BlogArchive1_ArchiveList'>",
           "<ul class='hierarchy'>"]
    for y in years:
        ys = [p for p in POSTS if p["d"].year == y]
        if y == exp_year:
            out.append("<li class='archivedate expanded'>\n<a class='toggle' href='javascript:void(0)'>"
                       "<span class='zippy toggle-open'>▼&#160;</span></a>")
        else:
            out.append("<li class='archivedate collapsed'>\n<a class='toggle' href='%s/%d/?widgetType="
                       "BlogArchive&amp;widgetId=BlogArchive1&amp;action=toggle&amp;dir=open&amp;toggle="
                       "YEARLY-%d&amp;toggleopen=MONTHLY-%d'><span class='zippy'>►&#160;</span></a>"
                       % (BASE, y, year_ms(y), month_ms(exp_year, exp_month)))
        out.append("<a class='post-count-link' href='%s/%d/'>%d</a>\n<span class='post-count' dir='ltr'>"
                   "(%d)</span>" % (BASE, y, y, len(ys)))
        if y == exp_year:
            out.append("<ul class='hierarchy'>")
            for m in sorted({p["d"].month for p in ys}, reverse=True):
                ms = [p for p in ys if p["d"].month == m]
                if m == exp_month:
                    out.append("<li class='archivedate expanded'>\n<a class='toggle' href='javascript:void(0)'>"
                               "<span class='zippy toggle-open'>▼&#160;</span></a>")
                else:
                    out.append("<li class='archivedate collapsed'>\n<a class='toggle' href='%s/%d/%02d/?"
                               "widgetType=BlogArchive&amp;widgetId=BlogArchive1&amp;action=toggle&amp;dir="
                               "open&amp;toggle=MONTHLY-%d&amp;toggleopen=MONTHLY-%d'><span class='zippy'>"
                               "►&#160;</span></a>" % (BASE, y, m, month_ms(y, m), month_ms(exp_year, exp_month)))
                out.append("<a class='post-count-link' href='%s/%d/%02d/'>%s</a>\n<span class='post-count' "
                           "dir='ltr'>(%d)</span>" % (BASE, y, m, MONTHS[m - 1], len(ms)))
                if m == exp_month:
                    out.append("<ul class='posts'>\n%s\n</ul>" % "\n".join(
                        "<li><a href='%s'>%s</a></li>" % (p["url"], escape(p["title"]))
                        for p in sorted(ms, key=lambda q: q["date"], reverse=True)))
                out.append("</li>")
            out.append("</ul>")
        out.append("</li>")
    out += ["</ul>", "</div>", "</div>", "<div class='clear'></div>", "</div>", "</div>"]
    return "\n".join(out)


def sidebar(exp_year, exp_month):
    pop = "\n".join(
        "<li>\n<div class='item-content'>\n<div class='item-title'><a href='%s'>%s</a></div>\n"
        "<div class='item-snippet'>%s</div>\n</div>\n<div style='clear: both;'></div>\n</li>"
        % (BYKEY[k]["url"], escape(BYKEY[k]["title"]), escape(snippet(BYKEY[k]))) for k in POPULAR)
    counts = {}
    for p in POSTS:
        for l in p["labels"]:
            counts[l] = counts.get(l, 0) + 1
    labs = "\n".join("<li>\n<a dir='ltr' href='%s'>%s</a>\n<span dir='ltr'>(%d)</span>\n</li>"
                     % (label_url(l), escape(l), counts[l]) for l in sorted(counts))
    return """<aside>
<div class='sidebar section' id='sidebar-right-1'>
<div class='widget BlogSearch' data-version='1' id='BlogSearch1'>
<h2 class='title'>Search This Blog</h2>
<div class='widget-content'>
<div id='BlogSearch1_form'>
<form action='%(base)s/search' class='gsc-search-box' target='_top'>
<input autocomplete='off' class='gsc-input' name='q' size='10' title='search' type='text' value=''/>
<input class='gsc-search-button' title='search' type='submit' value='Search'/>
</form>
</div>
</div>
</div>
<div class='widget PopularPosts' data-version='1' id='PopularPosts1'>
<h2>Popular Posts</h2>
<div class='widget-content popular-posts'>
<ul>
%(pop)s
</ul>
<div class='clear'></div>
</div>
</div>
<div class='widget Label' data-version='1' id='Label1'>
<h2>Labels</h2>
<div class='widget-content list-label-widget-content'>
<ul>
%(labs)s
</ul>
<div class='clear'></div>
</div>
</div>
%(arch)s
<div class='widget Subscribe' data-version='1' id='Subscribe1'>
<h2 class='title'>Subscribe To</h2>
<div class='widget-content'>
<a class='feed-icon' href='%(base)s/feeds/posts/default' target='_blank' type='application/atom+xml'>Posts</a>
<a class='feed-icon' href='%(base)s/feeds/comments/default' target='_blank' type='application/atom+xml'>Comments</a>
</div>
</div>
</div>
</aside>""" % dict(base=BASE, pop=pop, labs=labs, arch=archive_widget(exp_year, exp_month))


def snippet(p):
    text = re.sub(r"<[^>]+>", "", TOKEN.sub(lambda m: m.group(3) or BYKEY[m.group(1)]["title"],
                                             next(b[1] for b in p["body"] if b[0] in ("p", "br"))))
    return text[:140].rsplit(" ", 1)[0] + "..."


def page(title, main, exp, canonical=None, og=None, page_type="index", post=None):
    head = ["<meta content='width=1100' name='viewport'/>",
            "<meta content='text/html; charset=UTF-8' http-equiv='Content-Type'/>",
            "<meta content='blogger' name='generator'/>",
            "<link href='%s/favicon.ico' rel='icon' type='image/x-icon'/>" % BASE]
    if canonical:
        head.append("<link href='%s' rel='canonical'/>" % canonical)
        head.append("<link rel=\"alternate\" media=\"only screen and (max-width: 640px)\" href=\"%s?m=1\" />"
                    % canonical)
    head += ["<link rel=\"alternate\" type=\"application/atom+xml\" title=\"%s - Atom\" "
             "href=\"%s/feeds/posts/default\" />" % (BLOG_TITLE, BASE),
             "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"%s - RSS\" "
             "href=\"%s/feeds/posts/default?alt=rss\" />" % (BLOG_TITLE, BASE),
             "<link rel=\"service.post\" type=\"application/atom+xml\" title=\"%s - Atom\" "
             "href=\"https://www.blogger.com/feeds/%s/posts/default\" />" % (BLOG_TITLE, BLOG_ID)]
    if post:
        head.append("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"%s - Atom\" "
                    "href=\"%s/feeds/%s/comments/default\" />" % (BLOG_TITLE, BASE, post["id"]))
    if og:
        head.append("<meta content='%s' property='og:url'/>" % og)
        head.append("<meta content='%s' property='og:title'/>" % escape(title if not post else post["title"]))
        head.append("<meta content='%s' property='og:description'/>"
                    % escape(snippet(post) if post else BLOG_DESC))
    full_title = "%s: %s" % (BLOG_TITLE, title) if title != BLOG_TITLE else BLOG_TITLE
    head.append("<title>%s</title>" % escape(full_title))
    ctx_url = canonical or BASE + "/"
    script = ("<script type='text/javascript'>window['__wavt'] = 'AOuZoY5x';"
              "_WidgetManager._Init('//www.blogger.com/rearrange?blogID=%s','//%s/','%s');"
              "_WidgetManager._SetDataContext([{'name': 'blog', 'data': {'blogId': '%s', 'title': '%s', "
              "'url': '%s', 'canonicalUrl': '%s', 'homepageUrl': '%s/', 'searchUrl': '%s/search', "
              "'pageType': '%s', 'isMobile': false}}]);</script>"
              % (BLOG_ID, BASE[len("https://"):], BLOG_ID, BLOG_ID, BLOG_TITLE, ctx_url, ctx_url, BASE, BASE,
                 page_type))
    return """<!DOCTYPE html>
<html class='v2' dir='ltr' lang='en' xmlns='http://www.w3.org/1999/xhtml' xmlns:b='http://www.google.com/2005/gml/b' xmlns:data='http://www.google.com/2005/gml/data' xmlns:expr='http://www.google.com/2005/gml/expr'>
<head>
%(head)s
<link type='text/css' rel='stylesheet' href='https://www.blogger.com/static/v1/widgets/2975350028-css_bundle_v2.css' />
</head>
<body class='loading variant-simplysimple'>
<div class='navbar section' id='navbar' name='Navbar'><div class='widget Navbar' data-version='1' id='Navbar1'><div id="navbar-iframe-container"></div>
<iframe src="https://www.blogger.com/navbar.g?targetBlogID=%(blog)s&amp;blogName=Flywheel+Notes&amp;publishMode=PUBLISH_MODE_BLOGSPOT&amp;navbarType=LIGHT&amp;layoutType=LAYOUTS&amp;searchRoot=%(base)s/search&amp;blogLocale=en&amp;v=2&amp;homepageUrl=%(base)s/" class="blogger-iframe-colorize" height="30px" width="100%%" marginwidth="0" marginheight="0" scrolling="no" frameborder="0"></iframe></div></div>
<div class='content'>
<div class='content-outer'>
<header>
<div class='header-outer'>
<div class='header section' id='header' name='Header'><div class='widget Header' data-version='1' id='Header1'>
<div id='header-inner'>
<div class='titlewrapper'>
<h1 class='title'>
<a href='%(base)s/'>%(blogtitle)s</a>
</h1>
</div>
<div class='descriptionwrapper'>
<p class='description'><span>%(desc)s</span></p>
</div>
</div>
</div></div>
</div>
</header>
<div class='tabs-outer'>
<div class='tabs section' id='crosscol' name='Cross-Column'><div class='widget PageList' data-version='1' id='PageList1'>
<div class='widget-content'>
<ul>
<li><a href='%(base)s/'>Home</a></li>
<li><a href='%(base)s/p/about.html'>About</a></li>
</ul>
</div>
</div></div>
</div>
<div class='main-outer'>
<div class='columns fauxcolumns'>
<div class='column-center-outer'>
<div class='column-center-inner'>
<div class='main section' id='main' name='Main'><div class='widget Blog' data-version='1' id='Blog1'>
%(main)s
</div></div>
</div>
</div>
<div class='column-right-outer'>
<div class='column-right-inner'>
%(sidebar)s
</div>
</div>
</div>
</div>
<footer>
<div class='footer-outer'>
<div class='widget Attribution' data-version='1' id='Attribution1'>
<div class='widget-content' style='text-align: center;'>
Powered by <a href='https://www.blogger.com' target='_blank'>Blogger</a>.
</div>
</div>
</div>
</footer>
</div>
</div>
%(script)s
</body>
</html>
""" % dict(head="\n".join(head), blog=BLOG_ID, base=BASE, blogtitle=BLOG_TITLE, desc=escape(BLOG_DESC),
           main=main, sidebar=sidebar(*exp), script=script)


def blog_posts(inner):
    return "<div class='blog-posts hfeed'>\n%s\n</div>" % inner


# ---------------------------------------------------------------------------
# Site and truth.

def write(root, rel, text):
    fn = os.path.join(root, rel)
    os.makedirs(os.path.dirname(fn), exist_ok=True)
    with open(fn, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def url_file(path):
    rel = path.lstrip("/")
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def build():
    site = os.path.join(HERE, "site")
    exp_dir = os.path.join(HERE, "expected")
    for d in (site, exp_dir):
        if os.path.isdir(d):
            shutil.rmtree(d)
    bodies = {p["key"]: render_body(p) for p in POSTS}
    newest = POSTS[-1]["d"]

    # Post pages.
    for i, p in enumerate(POSTS):
        pager = []
        if i + 1 < len(POSTS):
            n = POSTS[i + 1]
            pager.append("<span id='blog-pager-newer-link'>\n<a class='blog-pager-newer-link' href='%s' "
                         "id='Blog1_blog-pager-newer-link' title='Newer Post'>Newer Post</a>\n</span>" % n["url"])
        if i > 0:
            o = POSTS[i - 1]
            pager.append("<span id='blog-pager-older-link'>\n<a class='blog-pager-older-link' href='%s' "
                         "id='Blog1_blog-pager-older-link' title='Older Post'>Older Post</a>\n</span>" % o["url"])
        main = (blog_posts(date_outer([(date_header(p), [post_block(p, bodies[p["key"]][0], True,
                                                                    after=comments_block(p))])]))
                + "\n<div class='blog-pager' id='blog-pager'>\n%s\n<a class='home-link' href='%s/'>Home</a>\n"
                  "</div>\n<div class='clear'></div>\n<div class='post-feeds'>\n<div class='feed-links'>\n"
                  "Subscribe to:\n<a class='feed-link' href='%s/feeds/%s/comments/default' target='_blank' "
                  "type='application/atom+xml'>Post Comments (Atom)</a>\n</div>\n</div>"
                  % ("\n".join(pager), BASE, BASE, p["id"]))
        write(site, url_file(p["path"]),
              page(p["title"], main, (p["d"].year, p["d"].month), canonical=p["url"], og=p["url"],
                   page_type="item", post=p))

    # Home: the five newest posts; the pager goes to /search (disallowed).
    home = list(reversed(POSTS[-5:]))
    last = home[-1]
    main = (blog_posts(listing(home, bodies))
            + "\n<div class='blog-pager' id='blog-pager'>\n<span id='blog-pager-older-link'>\n"
              "<a class='blog-pager-older-link' href='%s/search?updated-max=%s&amp;max-results=5' "
              "id='Blog1_blog-pager-older-link' title='Older Posts'>Older Posts</a>\n</span>\n"
              "<a class='home-link' href='%s/'>Home</a>\n</div>\n<div class='clear'></div>\n"
              "<div class='blog-feeds'>\n<div class='feed-links'>\nSubscribe to:\n<a class='feed-link' "
              "href='%s/feeds/posts/default' target='_blank' type='application/atom+xml'>Posts (Atom)</a>\n"
              "</div>\n</div>" % (BASE, stamp(last["d"], last["time"]),
                                  BASE, BASE))
    write(site, "index.html", page(BLOG_TITLE, main, (newest.year, newest.month), canonical=BASE + "/",
                                   og=BASE + "/", page_type="index"))

    # Archives: every month and every year, newest first, posts in full
    # (cut at a jump break, as on the home page).
    for y in sorted({p["d"].year for p in POSTS}):
        ys = [p for p in POSTS if p["d"].year == y]
        for m in sorted({p["d"].month for p in ys}):
            ms = list(reversed([p for p in ys if p["d"].month == m]))
            main = (blog_posts(listing(ms, bodies))
                    + "\n<div class='blog-pager' id='blog-pager'>\n<a class='home-link' href='%s/'>Home</a>\n"
                      "</div>" % BASE)
            write(site, "%d/%02d/index.html" % (y, m),
                  page("%s %d" % (MONTHS[m - 1], y), main, (y, m), canonical="%s/%d/%02d/" % (BASE, y, m),
                       page_type="archive"))
        main = (blog_posts(listing(list(reversed(ys)), bodies))
                + "\n<div class='blog-pager' id='blog-pager'>\n<a class='home-link' href='%s/'>Home</a>\n"
                  "</div>" % BASE)
        write(site, "%d/index.html" % y,
              page(str(y), main, (y, ys[-1]["d"].month), canonical="%s/%d/" % (BASE, y), page_type="archive"))

    # A static page: Blogger marks it up like a post, but it is not one.
    about_links = "".join("<li><a href=\"%s\">%s</a></li>\n" % (BYKEY[k]["url"], escape(BYKEY[k]["title"]))
                          for k in ABOUT_LINKS)
    about = {"id": "5550123456789012345", "url": BASE + "/p/about.html"}
    main = blog_posts("""<div class='post-outer'>
<div class='post hentry uncustomized-post-template' itemprop='blogPost' itemscope='itemscope' itemtype='http://schema.org/BlogPosting'>
<a name='%(id)s'></a>
<h3 class='post-title entry-title' itemprop='name'>
About
</h3>
<div class='post-header'>
<div class='post-header-line-1'></div>
</div>
<div class='post-body entry-content' id='post-body-%(id)s' itemprop='description articleBody'>
<p>Flywheel Notes collects what we read about competitive advantage, feedback loops and who ends up with
the profits. Most posts are a quote, a comment, and links to what we said before.</p>
<p>If you are new here, start with:</p>
<ul>
%(links)s</ul>
<div style='clear: both;'></div>
</div>
<div class='post-footer'>
<div class='post-footer-line post-footer-line-1'></div>
</div>
</div>
</div>""" % dict(id=about["id"], links=about_links))
    write(site, "p/about.html", page("About", main, (newest.year, newest.month), canonical=about["url"],
                                     og=about["url"], page_type="static_page"))

    # robots.txt exactly as Blogger writes it; sitemap index and one page.
    write(site, "robots.txt", "User-agent: Mediapartners-Google\nDisallow: \n\nUser-agent: *\n"
                              "Disallow: /search\nAllow: /\n\nSitemap: %s/sitemap.xml\n" % BASE)
    write(site, "sitemap.xml", "<?xml version='1.0' encoding='UTF-8'?><sitemapindex xmlns=\"http://www."
                               "sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>%s/sitemap-1.xml</loc>"
                               "</sitemap></sitemapindex>\n" % BASE)
    write(site, "sitemap-1.xml", "<?xml version='1.0' encoding='UTF-8'?><urlset xmlns=\"http://www.sitemaps."
                                 "org/schemas/sitemap/0.9\">%s</urlset>\n"
          % "".join("<url><loc>%s</loc><lastmod>%s</lastmod></url>"
                    % (p["url"], (datetime.fromisoformat(stamp(p["d"], p["time"])) + timedelta(days=3))
                       .astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
                    for p in reversed(POSTS)))
    routes = ["%s\t301\t%s\n" % (p["old_path"], p["path"]) for p in POSTS if p["old_path"]]
    write(site, "_routes.tsv", "".join(routes))
    # A saved copy has no HTTP redirects: the old address keeps a redirect stub
    # (meta refresh and canonical), as static site generators write for renames.
    for q in POSTS:
        if q["old_path"]:
            write(site, q["old_path"].lstrip("/"),
                  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Moved</title>'
                  '<link rel="canonical" href="%s"><meta http-equiv="refresh" content="0; url=%s">'
                  '</head><body><p>Moved to <a href="%s">%s</a>.</p></body></html>\n'
                  % (q["url"], q["url"], q["url"], q["url"]))

    # Ground truth, from the table.
    edges, broken = {}, []
    for p in POSTS:
        for key, variant, kind, h in bodies[p["key"]][2]:
            if key == "self":
                continue
            if key.startswith("missing:"):
                broken.append((p["url"], BASE + key[len("missing:"):]))
                continue
            pair = (p["url"], BYKEY[key]["url"])
            if edges.get(pair) != "related":
                edges[pair] = kind
    inbound = {t for (_, t) in edges}
    tsv(exp_dir, "posts.tsv", ("url", "title", "date"), [(p["url"], p["title"], p["date"]) for p in POSTS])
    tsv(exp_dir, "edges.tsv", ("source", "target", "kind"), [(s, t, k) for (s, t), k in edges.items()])
    tsv(exp_dir, "orphans.tsv", ("url",), [(p["url"],) for p in POSTS if p["url"] not in inbound])
    tsv(exp_dir, "broken.tsv", ("source", "href"), broken)
    tsv(exp_dir, "topics.tsv", ("url", "theme"), [(p["url"], p["theme"]) for p in POSTS])
    return site, exp_dir, edges, broken, routes


def tsv(d, name, header, rows):
    rows = sorted(set(rows))
    for r in rows:
        assert all("\t" not in c and "\n" not in c for c in r), r
    write(d, name, "\t".join(header) + "\n" + "".join("\t".join(r) + "\n" for r in rows))


# ---------------------------------------------------------------------------
# Independent check: read the written post pages back, find the body links,
# classify them by the lead-in rule and resolve them as a crawler would.

DROP = {"fbclid", "gclid", "mc_eid", "mc_cid", "showcomment", "replytocom", "phpsessid", "sid",
        "widgettype", "widgetid", "action", "dir", "toggle", "toggleopen"}
BLOCKS = {"p", "div", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "br", "table",
          "tr", "td", "section", "aside", "nav", "footer", "header", "figure", "figcaption", "dl", "dt",
          "dd"}
VOID = {"br", "img", "meta", "input", "hr", "link", "source", "wbr"}


def normalise(base, h):
    u = urlsplit(urljoin(base, h))
    q = [(k, v) for k, v in parse_qsl(u.query, keep_blank_values=True)
         if not k.lower().startswith("utm_") and k.lower() not in DROP
         and not (k.lower() == "m" and v in ("0", "1"))]
    return urlunsplit((u.scheme.lower(), u.netloc.lower(), u.path or "/", urlencode(sorted(q)), ""))


class BodyLinks(HTMLParser):
    """Links inside the first element whose class list has BODY_CLASS, each
    with the kind the lead-in rule gives it: a line (text between block tags
    or <br>) that starts with a lead-in phrase opens a related block; list
    items, "- " lines and link-only lines after it stay in the block; a blank
    line (<br /><br />) or a line of prose ends it. Links inside an element
    whose id is in RELATED_IDS are related."""

    def __init__(self, body_class, related_ids=()):
        super().__init__(convert_charrefs=True)
        self.body_class, self.related_ids = body_class, set(related_ids)
        self.depth = 0          # >0 while inside the body element
        self.rel_depth = 0      # >0 while inside a related widget
        self.a_depth = 0
        self.text, self.bare, self.hrefs = "", "", []
        self.mode = False
        self.li = 0
        self.links = []         # (href, kind)
        self.skip = 0           # inside <script>/<style>

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.depth == 0:
            if self.body_class in (a.get("class") or "").split():
                self.depth = 1
            return
        if tag in BLOCKS:
            self.end_line(tag == "br")
        if tag in VOID:
            return
        self.depth += 1
        if self.rel_depth:
            self.rel_depth += 1
        elif a.get("id") in self.related_ids:
            self.rel_depth = 1
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "li":
            self.li += 1
        if tag == "a":
            self.a_depth += 1
            if a.get("href"):
                self.hrefs.append(a["href"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.depth == 0 or tag in VOID:
            return
        if tag in BLOCKS:
            self.end_line(False)
        if tag in ("script", "style"):
            self.skip -= 1
        if tag == "li":
            self.li -= 1
        if tag == "a":
            self.a_depth -= 1
        self.depth -= 1
        if self.rel_depth:
            self.rel_depth -= 1
        if self.depth == 0:
            self.end_line(False)

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.text += data
            if not self.a_depth:
                self.bare += data

    def end_line(self, by_br):
        text = " ".join(self.text.split())
        bare = re.sub(r"[\s\-–—:;,.()]+", "", self.bare)
        if self.rel_depth:
            kind = "related"
        elif text.startswith(LEADS):
            self.mode, kind = True, "related"
        elif not text and not self.hrefs:
            if by_br and not self.li:
                self.mode = False            # blank line
            kind = None
        elif self.mode and (self.li or text.startswith("- ") or not bare):
            kind = "related"
        else:
            self.mode, kind = False, "inline"
        self.links += [(h, kind) for h in self.hrefs]
        self.text, self.bare, self.hrefs = "", "", []


def body_links(html, body_class, related_ids=()):
    parser = BodyLinks(body_class, related_ids)
    parser.feed(html)
    parser.close()
    return parser.links


def resolve(url, base, routes, site, hops=5):
    """Follow _routes.tsv redirects; return (final url, exists)."""
    for _ in range(hops):
        pq = url[len(base):] if url.startswith(base) else None
        if pq is None:
            return url, None
        if pq in routes:
            url = normalise(url, routes[pq])
            continue
        u = urlsplit(url)
        if u.query:
            return url, False
        return url, os.path.isfile(os.path.join(site, url_file(u.path)))
    return url, False


def verify(site, base, posts, exp_edges, exp_broken, routes_lines, body_class, related_ids=(),
           disallow=()):
    routes = {}
    for line in routes_lines:
        path, status, loc = line.rstrip("\n").split("\t")
        routes[path] = loc
    by_url = {p["url"]: p for p in posts}
    edges, broken = {}, []
    for p in posts:
        with open(os.path.join(site, url_file(urlsplit(p["url"]).path)), encoding="utf-8") as f:
            html = f.read()
        for h, kind in body_links(html, body_class, related_ids):
            u = normalise(p["url"], h)
            if not u.startswith(base + "/") or u[len(base):].startswith(tuple(disallow)):
                continue            # another host, or robots.txt keeps the crawler out
            final, ok = resolve(u, base, routes, site)
            if final == p["url"]:
                continue
            if ok is False:
                broken.append((p["url"], u))
            elif final in by_url:
                pair = (p["url"], final)
                if edges.get(pair) != "related":
                    edges[pair] = kind
    problems = []
    for pair in sorted(set(edges) | set(exp_edges)):
        if edges.get(pair) != exp_edges.get(pair):
            problems.append("edge %s -> %s: parsed %s, table %s" % (pair[0], pair[1], edges.get(pair),
                                                                  exp_edges.get(pair)))
    if sorted(broken) != sorted(exp_broken):
        problems.append("broken: parsed %s, table %s" % (sorted(broken), sorted(exp_broken)))
    return problems


def main():
    site, _, edges, broken, routes = build()
    problems = verify(site, BASE, POSTS, edges, broken, routes, "post-body", disallow=("/search",))
    for m in problems:
        print("mismatch:", m, file=sys.stderr)
    kinds = {}
    for k in edges.values():
        kinds[k] = kinds.get(k, 0) + 1
    inbound = {t for (_, t) in edges}
    print("%d posts, %d edges (%s), %d orphans, %d broken, %d redirects"
          % (len(POSTS), len(edges), ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
             sum(1 for p in POSTS if p["url"] not in inbound), len(broken), len(routes)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
