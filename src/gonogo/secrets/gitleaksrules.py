"""Which gonogo detectors find what a gitleaks rule finds, by the ids of gitleaks' default
rules: an allowlist scoped to a gitleaks rule (`[[rules.allowlists]]`, or `targetRules`)
applies to gonogo's findings of those kinds only. A rule without a counterpart here (a
team's own rule, a vendor gonogo has no format for) keeps its allowlists unapplied, and
`-v` says so: gonogo then reports more, never less, than the team's gitleaks.
"""

from __future__ import annotations

from gonogo.secrets.rule import words

# gonogo kind: the gitleaks rule ids whose findings it also makes
_FAMILIES = {
    "1password-token": "1password-secret-key 1password-service-account-token",
    "adafruit-key": "adafruit-api-key",
    "age-key": "age-secret-key",
    "airtable-token": "airtable-api-key airtable-personnal-access-token",
    "alibaba-key": "alibaba-access-key-id alibaba-secret-key",
    "anthropic-key": "anthropic-api-key anthropic-admin-api-key",
    "atlassian-token": "atlassian-api-token",
    "aws-access-key-id": "aws-access-token",
    "azure-ad-secret": "azure-ad-client-secret",
    "brevo-key": "sendinblue-api-token",
    "clojars-token": "clojars-api-token",
    "contentful-token": "contentful-delivery-api-token",
    "databricks-token": "databricks-api-token",
    "digitalocean-token": "digitalocean-access-token digitalocean-pat digitalocean-refresh-token",
    "doppler-token": "doppler-api-token",
    "dropbox-token": "dropbox-api-token dropbox-long-lived-api-token dropbox-short-lived-api-token",
    "dynatrace-token": "dynatrace-api-token",
    "easypost-key": "easypost-api-token easypost-test-api-token",
    "flutterwave-key": "flutterwave-secret-key flutterwave-encryption-key",
    "fly-token": "flyio-access-token",
    "generic-secret": "generic-api-key",
    "github-token": "github-pat github-fine-grained-pat github-oauth github-app-token "
    "github-refresh-token",
    "gitlab-token": "gitlab-pat gitlab-pat-routable gitlab-ptt gitlab-rrt gitlab-deploy-token "
    "gitlab-cicd-job-token gitlab-feed-token gitlab-incoming-mail-token "
    "gitlab-kubernetes-agent-token gitlab-oauth-app-secret gitlab-runner-authentication-token "
    "gitlab-runner-authentication-token-routable gitlab-scim-token "
    "gitlab-feature-flag-client-token",
    "google-api-key": "gcp-api-key",
    "grafana-token": "grafana-api-key grafana-cloud-api-token grafana-service-account-token",
    "heroku-key": "heroku-api-key heroku-api-key-v2",
    "huggingface-token": "huggingface-access-token huggingface-organization-api-token",
    "jfrog-token": "jfrog-api-key jfrog-identity-token artifactory-api-key "
    "artifactory-reference-token",
    "jwt": "jwt jwt-base64",
    "linear-key": "linear-api-key linear-client-secret",
    "mailchimp-key": "mailchimp-api-key",
    "mailgun-key": "mailgun-private-api-token mailgun-signing-key mailgun-pub-key",
    "mapbox-token": "mapbox-api-token",
    "newrelic-key": "new-relic-user-api-key new-relic-insert-key new-relic-browser-api-token "
    "new-relic-user-api-id",
    "notion-token": "notion-api-token",
    "npm-token": "npm-access-token",
    "octopus-key": "octopus-deploy-api-key",
    "openai-key": "openai-api-key",
    "perplexity-key": "perplexity-api-key",
    "planetscale-token": "planetscale-api-token planetscale-oauth-token planetscale-password",
    "postman-key": "postman-api-token",
    "prefect-key": "prefect-api-token",
    "private-key": "private-key",
    "encrypted-private-key": "private-key",
    "pulumi-token": "pulumi-api-token",
    "pypi-token": "pypi-upload-token",
    "readme-key": "readme-api-token",
    "rubygems-key": "rubygems-api-token",
    "sendgrid-key": "sendgrid-api-token",
    "sentry-token": "sentry-access-token sentry-org-token sentry-user-token",
    "shippo-token": "shippo-api-token",
    "shopify-token": "shopify-access-token shopify-custom-access-token "
    "shopify-private-app-access-token shopify-shared-secret",
    "slack-token": "slack-bot-token slack-user-token slack-app-token slack-config-access-token "
    "slack-config-refresh-token slack-legacy-bot-token slack-legacy-token "
    "slack-legacy-workspace-token",
    "slack-webhook": "slack-webhook-url",
    "square-token": "square-access-token",
    "stripe-key": "stripe-access-token",
    "telegram-bot-token": "telegram-bot-api-token",
    "terraform-cloud-token": "hashicorp-tf-api-token",
    "twilio-key": "twilio-api-key",
    "vault-token": "vault-service-token vault-batch-token",
    "yandex-token": "yandex-access-token yandex-api-key yandex-aws-access-token",
}

KINDS: dict[str, frozenset[str]] = {}
for _kind, _ids in _FAMILIES.items():
    for _id in words(_ids):
        KINDS[_id] = KINDS.get(_id, frozenset()) | {_kind}


def kinds_of(rule_ids: list[str]) -> tuple[frozenset[str], list[str]]:
    """The gonogo kinds the gitleaks rules `rule_ids` stand for, and the ids with none."""
    found: set[str] = set()
    unknown = []
    for rule_id in rule_ids:
        if rule_id in KINDS:
            found |= KINDS[rule_id]
        else:
            unknown.append(rule_id)
    return frozenset(found), unknown
