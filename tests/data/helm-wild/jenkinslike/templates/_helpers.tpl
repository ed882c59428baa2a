{{- define "jenkins.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "jenkins.namespace" -}}
  {{- if .Values.namespaceOverride -}}
    {{- .Values.namespaceOverride -}}
  {{- else -}}
    {{- .Release.Namespace -}}
  {{- end -}}
{{- end -}}

{{- define "jenkins.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
Returns the admin password: the one given, the one an existing Secret holds, else a new one.
*/}}
{{- define "jenkins.password" -}}
  {{- if .Values.controller.admin.password -}}
    {{- .Values.controller.admin.password -}}
  {{- else -}}
    {{- $secret := (lookup "v1" "Secret" (include "jenkins.namespace" .) (include "jenkins.fullname" .)).data -}}
    {{- if $secret -}}
      {{- index $secret .Values.controller.admin.passwordKey | b64dec -}}
    {{- else -}}
      {{- randAlphaNum 22 -}}
    {{- end -}}
  {{- end -}}
{{- end -}}

{{/*
The JCasC defaults, in YAML.
*/}}
{{- define "jenkins.casc.defaults" -}}
jenkins:
  {{- $configScripts := toYaml .Values.controller.JCasC.configScripts }}
  {{- if not (contains "securityRealm:" $configScripts) }}
  securityRealm:
{{- if .Values.controller.JCasC.securityRealm }}
{{ tpl .Values.controller.JCasC.securityRealm . | indent 4 }}
{{- end }}
  {{- end }}
  disableRememberMe: false
  mode: NORMAL
  numExecutors: {{ .Values.controller.numExecutors | default 0 }}
  {{- if .Values.controller.jenkinsUrl }}
unclassified:
  location:
    url: {{ tpl .Values.controller.jenkinsUrl . }}
  {{- end }}
{{- end -}}

{{- define "jenkins.kubernetes-version" -}}
  {{- if .Values.controller.installPlugins -}}
    {{- range .Values.controller.installPlugins -}}
      {{- if hasPrefix "kubernetes:" . }}
        {{- $split := splitList ":" . }}
        {{- printf "%s" (index $split 1 ) -}}
      {{- end -}}
    {{- end -}}
  {{- end -}}
{{- end -}}

{{- define "controller.image" -}}
{{- if .Values.controller.image.registry -}}{{ .Values.controller.image.registry }}/{{- end -}}{{- .Values.controller.image.repository -}}:{{- .Values.controller.image.tag | default .Chart.AppVersion -}}-{{- .Values.controller.image.tagLabel -}}
{{- end -}}
