{{- define "virtrigaud.labels" -}}
app.kubernetes.io/name: virtrigaud
app.kubernetes.io/component: manager
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "virtrigaud.selectorLabels" -}}
app.kubernetes.io/name: virtrigaud
app.kubernetes.io/component: manager
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "virtrigaud.serviceAccountName" -}}
{{ .Values.serviceAccount.name | default "virtrigaud-manager" }}
{{- end -}}


{{- define "virtrigaud.managerIdentities" -}}
{{- if .Values.providers.mtls.identities -}}
{{ join "," .Values.providers.mtls.identities }}
{{- else -}}
URI:spiffe://cluster.local/ns/{{ .Release.Namespace }}/sa/{{ include "virtrigaud.serviceAccountName" . }}
{{- end -}}
{{- end -}}

{{- define "virtrigaud.labelList" -}}
{{- $pairs := list -}}
{{- range $k, $v := . -}}{{- $pairs = append $pairs (printf "%s=%s" $k $v) -}}{{- end -}}
{{ join "," $pairs }}
{{- end -}}
