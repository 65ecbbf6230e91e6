"""SOP checklists as editable templates, per-ticket checklist state, customer
confirmation, audited close overrides, draft messages, escalation flags and the
escalation record (form, acknowledgement, de-escalation).

Seeded exactly as the SOP lists them: the Standard Information Checklist in four
groups, the three issue-type question sets (attached to their categories), the
Pre-Resolution Checklist, the Post-Resolution Review and the Documentation
Requirements. ``field`` names the ticket field that checks an item by itself.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# (template key, name, kind, category it belongs to or None, [(text, field or None)])
TEMPLATES = [
    (
        "info_user",
        "User Information",
        "information",
        None,
        [
            ("Customer Name", "customer.name"),
            ("Email Address", "customer.email"),
            ("Organization/Tenant Name", "customer.organization"),
            ("User Role (Admin, Agent Manager, Client)", "customer.role"),
            ("Tenant ID (from database if needed)", "customer.tenant_id"),
        ],
    ),
    (
        "info_issue",
        "Issue Information",
        "information",
        None,
        [
            ("What is not working?", "description"),
            ("What is the expected behavior?", "expected_behavior"),
            ("What actually happens?", "actual_behavior"),
            ("When did this start?", "started_when"),
            ("Is it consistent or intermittent?", "consistency"),
            ("How many users affected?", "users_affected"),
            ("Any recent changes made?", "recent_changes"),
        ],
    ),
    (
        "info_technical",
        "Technical Information",
        "information",
        None,
        [
            ("Agent ID (if applicable)", "agent_ref"),
            ("Knowledge Base ID (if applicable)", "knowledge_base_ref"),
            ("Browser and version", "browser"),
            ("Operating System", "operating_system"),
            ("Error messages (exact text or screenshot)", "error_messages"),
            ("Console errors (F12 → Console)", "console_errors"),
            ("Network errors (F12 → Network)", "network_errors"),
        ],
    ),
    (
        "info_reproduction",
        "Reproduction Steps",
        "information",
        None,
        [
            ("Can you reproduce the issue?", "can_reproduce"),
            ("Steps to reproduce?", "reproduction_steps"),
            ("Does it happen every time?", None),
            ("Only in specific conditions?", "reproduction_conditions"),
        ],
    ),
    (
        "questions_agent",
        "Agent Not Responding",
        "questions",
        "Agent Issues",
        [
            ("What is the Agent ID or name?", "agent_ref"),
            ("When did this start?", "started_when"),
            ('Is the agent status "Active" in the dashboard?', None),
            ("Do you see any error messages?", "error_messages"),
            ("Have you checked your credit balance?", None),
            ("Does it work in Test Chat/Test Call?", None),
        ],
    ),
    (
        "questions_kb",
        "Knowledge Base Issues",
        "questions",
        "Knowledge Base",
        [
            ("What is the Knowledge Base name/ID?", "knowledge_base_ref"),
            ("Which document(s) are affected?", None),
            ("What was the file size and format?", None),
            ("What status does the document show? (Processing/Completed/Failed)", None),
            ("Can you reproduce by uploading a different document?", None),
            ("What search query are you using?", None),
        ],
    ),
    (
        "questions_integration",
        "Integration Issues",
        "questions",
        "Integration Issues",
        [
            ("Which integration? (Shopify, Chat Widget, etc.)", None),
            ("When was it last working?", None),
            ("Have credentials been changed recently?", "recent_changes"),
            ("Can you provide the exact error message?", "error_messages"),
            ("Have you tested the connection?", None),
        ],
    ),
    (
        "pre_resolution",
        "Pre-Resolution Checklist",
        "pre_resolution",
        None,
        [
            ("Issue fully resolved (not just worked around)", None),
            ("Solution tested and verified", "verification"),
            ("Customer confirmed it's working", "customer_confirmed_at"),
            ("Documentation complete", None),
            ("Root cause identified and noted", "root_cause"),
            ("Prevention steps communicated", "prevention"),
            ("Similar tickets checked for patterns", None),
        ],
    ),
    (
        "post_review",
        "Post-Resolution Review",
        "post_review",
        None,
        [
            ("Was SLA met?", "sla_met"),
            ("Could resolution have been faster?", None),
            ("Should this be added to knowledge base?", None),
            ("Do we need to improve documentation?", None),
            ("Is this a recurring issue?", None),
            ("Should development be notified?", None),
        ],
    ),
    (
        "doc_ticket",
        "Documentation: In Ticket System",
        "documentation",
        None,
        [
            ("Initial report details", "description"),
            ("All customer communications", "communications"),
            ("Troubleshooting steps taken", "troubleshooting"),
            ("Diagnostic findings", "troubleshooting.found"),
            ("Solution implemented", "solution"),
            ("Customer confirmation", "customer_confirmed_at"),
            ("Time spent", "time_spent_minutes"),
            ("Resolution date", "resolved_at"),
        ],
    ),
    (
        "doc_notes",
        "Documentation: In Internal Notes",
        "documentation",
        None,
        [
            ("Technical details (for team reference)", None),
            ("Root cause analysis", None),
            ("Why previous attempts failed", None),
            ("Unusual circumstances", None),
            ("Tips for future similar issues", None),
        ],
    ),
    (
        "doc_kb",
        "Documentation: In Knowledge Base (if new issue)",
        "documentation",
        None,
        [
            ("Problem description", None),
            ("Symptoms", None),
            ("Diagnostic steps", None),
            ("Solution", None),
            ("Prevention tips", None),
            ("Related articles", None),
        ],
    ),
]


def upgrade() -> None:
    templates = op.create_table(
        "checklist_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_templates")),
        sa.UniqueConstraint("key", name=op.f("uq_checklist_templates_key")),
    )
    items = op.create_table(
        "checklist_template_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["checklist_templates.id"],
            name=op.f("fk_checklist_template_items_template_id_checklist_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_template_items")),
    )
    op.create_index(
        "ix_checklist_template_items_template_id", "checklist_template_items", ["template_id"]
    )
    links = op.create_table(
        "category_checklists",
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_category_checklists_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["checklist_templates.id"],
            name=op.f("fk_category_checklists_template_id_checklist_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("category_id", "template_id", name=op.f("pk_category_checklists")),
    )
    op.create_table(
        "ticket_checklist_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("checked", sa.Boolean(), nullable=False),
        sa.Column("checked_by", sa.String(length=200), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_checklist_items_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["checklist_template_items.id"],
            name=op.f("fk_ticket_checklist_items_item_id_checklist_template_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_checklist_items")),
        sa.UniqueConstraint("ticket_id", "item_id", name="uq_ticket_checklist_item"),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_confirmed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("customer_confirmed_by", sa.String(length=200), nullable=True)
        )
        batch_op.add_column(sa.Column("close_override_reason", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("escalation_flags", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("communications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("draft", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("by_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("form_json", sa.Text(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("acknowledged_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("ended_by", sa.String(length=200), nullable=True))

    bind = op.get_bind()
    categories = dict(bind.execute(sa.text("SELECT name, id FROM categories")).all())
    template_rows, item_rows, link_rows = [], [], []
    item_id = 0
    for order, (key, name, kind, category, entries) in enumerate(TEMPLATES, 1):
        template_rows.append(
            {
                "id": order,
                "key": key,
                "name": name,
                "kind": kind,
                "sort_order": order,
                "active": True,
            }
        )
        for position, (text, field) in enumerate(entries, 1):
            item_id += 1
            item_rows.append(
                {
                    "id": item_id,
                    "template_id": order,
                    "text": text,
                    "field": field,
                    "sort_order": position,
                }
            )
        if category in categories:
            link_rows.append({"category_id": categories[category], "template_id": order})
    op.bulk_insert(templates, template_rows)
    op.bulk_insert(items, item_rows)
    if link_rows:
        op.bulk_insert(links, link_rows)


def downgrade() -> None:
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        for column in (
            "ended_by",
            "ended_at",
            "acknowledged_by",
            "acknowledged_at",
            "form_json",
            "by_name",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("communications", schema=None) as batch_op:
        batch_op.drop_column("draft")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("escalation_flags")
        batch_op.drop_column("close_override_reason")
        batch_op.drop_column("customer_confirmed_by")
        batch_op.drop_column("customer_confirmed_at")
    op.drop_table("ticket_checklist_items")
    op.drop_table("category_checklists")
    op.drop_index("ix_checklist_template_items_template_id", table_name="checklist_template_items")
    op.drop_table("checklist_template_items")
    op.drop_table("checklist_templates")
