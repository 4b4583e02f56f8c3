/* azure_activity.h — Azure Activity Log events and Entra ID (Azure AD) sign-in logs:
 * diagnostic-settings exports ({"records":[...]} / JSON lines, camelCase), the REST API
 * ({"value":[...]}, camelCase) and the Python SDK / `az monitor activity-log list` form
 * (snake_case). Rows go to `azure_activity`. */
#ifndef KS_AZURE_ACTIVITY_H
#define KS_AZURE_ACTIVITY_H

#include "parsers/parser.h"

extern const ks_parser ks_parser_azure_activity;
extern const ks_table_def ks_table_azure_activity;

#endif
