{{/* A container securityContext without the chart's own keys (dict secContext, context). */}}
{{- define "libcommon.renderSecurityContext" -}}
{{- $adapted := .secContext -}}
{{- if and .context.Values.global .context.Values.global.dropSeLinux -}}
{{- $adapted = omit $adapted "seLinuxOptions" -}}
{{- end -}}
{{- if $adapted.privileged -}}
{{- $adapted = omit $adapted "capabilities" -}}
{{- end -}}
{{- omit $adapted "enabled" | toYaml -}}
{{- end -}}
{{/* The pod's hostNetwork from a dict (pod, context). */}}
{{- define "libcommon.hostNetwork" -}}
hostNetwork: {{ .pod.hostNetwork }}
{{- end -}}
