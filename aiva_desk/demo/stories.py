"""Wording for demo tickets, drawn from the SOP's own examples."""

from __future__ import annotations

from aiva_desk.domain import StaffRole


def _story(subject: str, description: str, expected: str, actual: str, error: str,
           root_cause: str, solution: str, note: str) -> dict[str, str]:  # fmt: skip
    return {
        "subject": subject,
        "description": description,
        "expected": expected,
        "actual": actual,
        "steps": "1. Log in as the affected user\n2. Open the page named in the report\n"
        "3. Repeat the action described and watch the result",
        "error": error,
        "root_cause": root_cause,
        "solution": solution,
        "steps_taken": f"1. Reproduced in a test account\n2. {solution}\n3. Tested with customer",
        "verification": "Repeated the customer's steps after the fix; it works.",
        "prevention": "Added a check to the onboarding guide and the knowledge base.",
        # what the customer was told: plain words, never the internal fields above
        "customer_explanation": "Something on our side stopped this from working as it should.",
        "customer_fix": "We corrected it and tested it with your account: it works again.",
        "customer_steps": "Nothing: it works again now.",
        "customer_prevention": "We added a check so that this is caught before it reaches you.",
        "note": note,
    }


CATEGORY_STORIES: dict[str, dict] = {
    "System Outage": {
        "weight": 2,
        "stories": [
            _story(
                "Platform completely down for all users",
                "Nobody in our team can log in; the dashboard shows a blank page.",
                "The dashboard loads.",
                "HTTP 502 Bad Gateway on every page.",
                "502 Bad Gateway",
                "API service crashed after a memory spike.",
                "Restarted API service using: pm2 restart api",
                "pm2 logs showed OOM kills.",
            ),
            _story(
                "All agents stopped answering at once (outage {n})",
                "Every agent in every tenant returns no reply since this morning.",
                "Agents answer chat messages.",
                "Messages stay unanswered; widget spins.",
                "Error: upstream timed out",
                "Bridge service lost its database connection.",
                "Restarted bridge with: pm2 restart bridge",
                "Connection pool exhausted.",
            ),
        ],
    },
    "Agent Issues": {
        "weight": 18,
        "stories": [
            _story(
                "Agent not responding in chat widget",
                "Our support agent stopped replying to customers on the website.",
                "The agent answers within seconds.",
                "The chat shows typing dots and then nothing.",
                "No response received",
                "API credits balance was $0.00.",
                "Added $100 credits to tenant account",
                "Status showed 'Active' although credits were empty.",
            ),
            _story(
                "Agent answers are cut off mid-sentence",
                "Long answers from agent {n} stop halfway.",
                "Complete answers.",
                "Replies end after a few lines.",
                "finish_reason: length",
                "max_tokens was set too low for long answers.",
                "Changed max_tokens from 1024 to 4096 in agent settings",
                "Customer had lowered the limit while testing.",
            ),
            _story(
                "Agent ignores knowledge base documents",
                "The agent gives generic answers instead of using our uploaded manuals.",
                "Answers quote the manuals.",
                "Answers are generic.",
                "",
                "Knowledge Base Search was disabled.",
                "Enabled in Agent > Settings > Tools",
                "Common after cloning an agent.",
            ),
        ],
    },
    "Integration Issues": {
        "weight": 14,
        "stories": [
            _story(
                "Shopify orders not visible to agent",
                "The agent cannot look up order status since yesterday.",
                "The agent finds orders by number.",
                "It says it has no access to orders.",
                "401 Unauthorized from Shopify API",
                "Shopify access token was rotated by the store owner.",
                "Reconnected the Shopify integration with the new token",
                "Ask customers to reconnect after rotating keys.",
            ),
            _story(
                "Chat widget not loading on website",
                "The chat bubble disappeared from our site after a theme update.",
                "The chat bubble shows on every page.",
                "No bubble; console shows a script error.",
                "Refused to load script (Content Security Policy)",
                "New theme's CSP blocked the widget script.",
                "Added the widget domain to the site's CSP script-src",
                "Theme updates often reset CSP.",
            ),
        ],
    },
    "Knowledge Base": {
        "weight": 14,
        "stories": [
            _story(
                "Document upload stuck in Processing",
                "A PDF of {n} pages has shown 'Processing' for hours.",
                "Status becomes Completed.",
                "Status stays Processing.",
                "",
                "The PDF was a scanned image without a text layer.",
                "Ran OCR on the file and re-uploaded it",
                "Tell customers to upload text PDFs.",
            ),
            _story(
                "Knowledge base search returns nothing",
                "Searching for terms we know are in our documents returns no results.",
                "Relevant passages are found.",
                "Empty result list.",
                "",
                "The documents were uploaded to another KB.",
                "Moved the documents to the agent's knowledge base",
                "Two KBs with one name.",
            ),
        ],
    },
    "User Management": {
        "weight": 12,
        "stories": [
            _story(
                "Cannot log in after password reset",
                "The reset link works but the new password is refused.",
                "Login succeeds.",
                "'Invalid credentials'.",
                "Invalid credentials",
                "Account was locked after five failed attempts.",
                "Unlocked the account and asked the user to log in again",
                "Lockout is silent; consider a clearer message.",
            ),
            _story(
                "New team member cannot see agents",
                "A colleague we invited sees an empty Agents page.",
                "The colleague sees all agents.",
                "The list is empty.",
                "",
                "The invite gave the role Client instead of Agent Manager.",
                "Changed the user's role to Agent Manager",
                "Role picker defaults to Client.",
            ),
        ],
    },
    "Billing": {
        "weight": 14,
        "stories": [
            _story(
                "Credits charged twice this month",
                "Our card was charged twice for the same credit pack (invoice {n}).",
                "One charge.",
                "Two charges.",
                "",
                "Payment retry after a gateway timeout created a second charge.",
                "Refunded the duplicate charge",
                "Reported the retry bug to development.",
            ),
            _story(
                "Credit balance not updated after payment",
                "We paid but the balance still shows the old amount.",
                "Balance increases right after payment.",
                "Balance unchanged.",
                "",
                "Payment webhook failed to reach the API.",
                "Replayed the payment webhook",
                "Webhook endpoint returned 500 briefly.",
            ),
        ],
    },
    "Feature Request": {
        "weight": 8,
        "stories": [
            _story(
                "Request: export chat transcripts to CSV",
                "We would like to export all conversations of a month to CSV.",
                "An export button.",
                "No export exists.",
                "",
                "Missing feature.",
                "Logged as feature request for development",
                "Several tenants asked for this.",
            ),
            _story(
                "Request: business hours for agents",
                "Could agents hand over to humans outside business hours?",
                "A schedule setting.",
                "Not available.",
                "",
                "Missing feature.",
                "Logged as feature request; shared a workaround",
                "Workaround: two agents with different prompts.",
            ),
        ],
    },
    "General Question": {
        "weight": 18,
        "stories": [
            _story(
                "How do I change the agent's greeting?",
                "Where can I edit the first message the agent sends?",
                "Find the setting.",
                "Could not find it.",
                "",
                "User was looking in Account settings.",
                "Explained Agent > Settings > Greeting",
                "Add a screenshot to the KB.",
            ),
            _story(
                "How many documents can a knowledge base hold?",
                "We plan to upload {n} documents; is there a limit?",
                "A clear answer.",
                "Docs unclear.",
                "",
                "Documentation did not state the limit.",
                "Answered with the plan limits and linked the pricing page",
                "Update the KB article on limits.",
            ),
        ],
    },
}

TROUBLESHOOTING = [
    ("Service status (pm2 status)", "All services online", "None needed"),
    ("Agent status in dashboard", "Agent shows Active", "Checked credit balance next"),
    ("Tenant credit balance", "Balance was $0.00", "Asked billing to add credits"),
    ("Browser console (F12 → Console)", "CSP error for widget script", "Sent CSP fix to customer"),
    ("API logs (pm2 logs api)", "401 responses from Shopify", "Asked customer to reconnect"),
    ("Document status in KB", "Status Failed: no text layer", "Suggested OCR"),
    ("Test Chat with the agent", "Reproduced: no reply", "Escalated to senior support"),
    ("Database: tenant settings", "Search tool disabled", "Enabled Knowledge Base Search"),
]

STAFF = [
    ("Sara Khan", "sara.khan@contegris.com", StaffRole.AGENT),
    ("Omar Farooq", "omar.farooq@contegris.com", StaffRole.AGENT),
    ("Lina Petrova", "lina.petrova@contegris.com", StaffRole.AGENT),
    ("Daniel Osei", "daniel.osei@contegris.com", StaffRole.AGENT),
    ("Mei Tanaka", "mei.tanaka@contegris.com", StaffRole.AGENT),
    ("Carlos Ruiz", "carlos.ruiz@contegris.com", StaffRole.AGENT),
    ("Aisha Bello", "aisha.bello@contegris.com", StaffRole.SENIOR_SUPPORT),
    ("Jonas Berg", "jonas.berg@contegris.com", StaffRole.SENIOR_SUPPORT),
    ("Priya Nair", "priya.nair@contegris.com", StaffRole.DEVELOPMENT),
    ("Tom Walsh", "tom.walsh@contegris.com", StaffRole.DEVELOPMENT),
]

FIRST_NAMES = ["Ahmed", "Beatriz", "Chen", "Dana", "Elif", "Farah", "Georg", "Hana", "Ivan",
               "Julia", "Kwame", "Laura", "Mateo", "Nadia", "Owen", "Paula", "Quinn", "Rosa",
               "Samir", "Tara", "Umar", "Vera", "Wei", "Yusuf", "Zara"]  # fmt: skip
LAST_NAMES = ["Ali", "Brown", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hassan",
              "Ito", "Jensen", "Kowalski", "Lopez", "Müller", "Nguyen", "Okafor", "Park",
              "Rossi", "Singh", "Tan", "Usman", "Varga", "Weber", "Yilmaz", "Zhang"]  # fmt: skip
ORG_WORDS = ["Acme", "Blue", "Cedar", "Delta", "Echo", "Fox", "Green", "Harbor", "Iris",
             "Jade", "Kite", "Lumen", "Maple", "Nova", "Orbit", "Pine", "Quartz", "River",
             "Summit", "Tidal", "Vertex", "Willow"]  # fmt: skip
BROWSERS = ["Chrome 131", "Firefox 133", "Safari 18", "Edge 131", ""]
OPERATING_SYSTEMS = ["Windows 11", "macOS 15", "Ubuntu 24.04", "iOS 18", "Android 15", ""]
TAGS = ["vip", "shopify", "widget", "credits", "pdf", "login", "recurring", "kb-candidate"]
STARTED_WHEN = ["Today", "Yesterday", "2 days before reporting", "Last week", "After an update"]
