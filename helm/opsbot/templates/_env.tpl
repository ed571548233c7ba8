{{/*
Environment of one role. Each role gets only the credentials it needs (src/config/role-requirements.ts):
web: the Slack bot token plus the signing secret (http) or app token (socket); worker: the Slack bot
token, and Cloudflare, Coder and LiteLLM as optional keys (the bot requires each only where the
inventory uses that service, and says so at start); scheduler: nothing but Redis.
*/}}
{{- define "opsbot.env" -}}
{{- $root := .root }}
{{- $role := .role }}
{{- $keys := $root.Values.secrets.keys -}}
- name: OPSBOT_ROLE
  value: {{ $role | quote }}
- name: PORT
  value: "3000"
- name: LOG_LEVEL
  value: {{ $root.Values.logLevel | quote }}
- name: OPSBOT_ENVIRONMENT
  value: {{ $root.Values.environment | quote }}
- name: INVENTORY_DIR
  value: {{ include "opsbot.inventoryDir" $root | quote }}
- name: SLACK_MODE
  value: {{ $root.Values.slack.mode | quote }}
- name: REDIS_PREFIX
  value: {{ $root.Values.redis.prefix | quote }}
{{- with $root.Values.aws.region }}
- name: AWS_REGION
  value: {{ . | quote }}
{{- end }}
{{- include "opsbot.redisEnv" $root }}
{{- if or (eq $role "web") (eq $role "worker") }}
{{ include "opsbot.secretEnv" (dict "root" $root "name" "SLACK_BOT_TOKEN" "key" $keys.slackBotToken) }}
{{- end }}
{{- if and (eq $role "web") (eq $root.Values.slack.mode "socket") }}
{{ include "opsbot.secretEnv" (dict "root" $root "name" "SLACK_APP_TOKEN" "key" $keys.slackAppToken) }}
{{- end }}
{{- if and (eq $role "web") (eq $root.Values.slack.mode "http") }}
{{ include "opsbot.secretEnv" (dict "root" $root "name" "SLACK_SIGNING_SECRET" "key" $keys.slackSigningSecret) }}
{{- end }}
{{- if eq $role "worker" }}
{{ include "opsbot.secretEnv" (dict "root" $root "name" "CLOUDFLARE_API_TOKEN" "key" $keys.cloudflareApiToken "optional" true) }}
{{ include "opsbot.secretEnv" (dict "root" $root "name" "CODER_SESSION_TOKEN" "key" $keys.coderSessionToken "optional" true) }}
{{ include "opsbot.secretEnv" (dict "root" $root "name" "LITELLM_API_KEY" "key" $keys.litellmApiKey "optional" true) }}
{{- end }}
{{- with $root.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- with (index $root.Values $role).extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* REDIS_URL: the bundled Redis (password spliced in by Kubernetes), a plain URL, or a Secret. */}}
{{- define "opsbot.redisEnv" -}}
{{- $redis := .Values.redis }}
{{- if $redis.bundled.enabled }}
{{- if $redis.bundled.auth }}
{{ include "opsbot.secretEnv" (dict "root" . "name" "REDIS_PASSWORD" "key" .Values.secrets.keys.redisPassword) }}
- name: REDIS_URL
  value: {{ printf "redis://:$(REDIS_PASSWORD)@%s:6379" (include "opsbot.redisName" .) | quote }}
{{- else }}
- name: REDIS_URL
  value: {{ printf "redis://%s:6379" (include "opsbot.redisName" .) | quote }}
{{- end }}
{{- else if $redis.external.urlFromSecret }}
{{ include "opsbot.secretEnv" (dict "root" . "name" "REDIS_URL" "key" .Values.secrets.keys.redisUrl) }}
{{- else }}
- name: REDIS_URL
  value: {{ $redis.external.url | quote }}
{{- end }}
{{- end }}
