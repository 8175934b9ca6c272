//! The row a hand-written client would declare for `get.calls_report`: serde's derive, every
//! field optional, plain types (`String` for codes and dates, `f64` for money, JSON values where
//! the API sends a number or a string). Written out from the schema's field list; the baseline
//! the generated `Row` is measured against.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub struct PlainCall {
    pub id: Option<i64>,
    pub start_time: Option<String>,
    pub finish_time: Option<String>,
    pub finish_reason: Option<String>,
    pub direction: Option<String>,
    pub cpn_region_id: Option<i64>,
    pub cpn_region_name: Option<String>,
    pub cpn_country_name: Option<String>,
    pub cpn_country_id: Option<String>,
    pub properties: Option<String>,
    pub scenario_operations: Option<Vec<PlainScenarioOperation>>,
    pub source: Option<String>,
    pub is_lost: Option<bool>,
    pub communication_number: Option<i64>,
    pub communication_page_url: Option<String>,
    pub contact_phone_number: Option<String>,
    pub communication_id: Option<serde_json::Value>,
    pub communication_type: Option<String>,
    pub wait_duration: Option<i64>,
    pub total_wait_duration: Option<i64>,
    pub lost_call_processing_duration: Option<i64>,
    pub talk_duration: Option<i64>,
    pub clean_talk_duration: Option<i64>,
    pub total_duration: Option<i64>,
    pub postprocess_duration: Option<i64>,
    pub call_records: Option<Vec<String>>,
    pub wav_call_records: Option<Vec<String>>,
    pub full_record_file_link: Option<String>,
    pub voice_mail_records: Option<Vec<String>>,
    pub virtual_phone_number: Option<String>,
    pub ua_client_id: Option<String>,
    pub ym_client_id: Option<String>,
    pub sale_date: Option<String>,
    pub sale_cost: Option<f64>,
    pub is_transfer: Option<bool>,
    pub search_query: Option<String>,
    pub search_engine: Option<String>,
    pub referrer_domain: Option<String>,
    pub referrer: Option<String>,
    pub entrance_page: Option<String>,
    pub gclid: Option<String>,
    pub yclid: Option<String>,
    pub ymclid: Option<String>,
    pub ef_id: Option<String>,
    pub channel: Option<String>,
    pub recognized_text: Option<Vec<PlainRecognizedText>>,
    pub tags: Option<Vec<PlainTag>>,
    pub employees: Option<Vec<PlainEmployee>>,
    pub last_answered_employee_id: Option<i64>,
    pub last_answered_employee_full_name: Option<String>,
    pub last_answered_employee_rating: Option<i64>,
    pub first_answered_employee_id: Option<i64>,
    pub first_answered_employee_full_name: Option<String>,
    pub last_talked_employee_id: Option<i64>,
    pub last_talked_employee_full_name: Option<String>,
    pub first_talked_employee_id: Option<i64>,
    pub first_talked_employee_full_name: Option<String>,
    pub operator_phone_number: Option<String>,
    pub scenario_name: Option<String>,
    pub scenario_id: Option<i64>,
    pub site_domain_name: Option<String>,
    pub site_id: Option<i64>,
    pub campaign_name: Option<String>,
    pub campaign_id: Option<i64>,
    pub visit_other_campaign: Option<bool>,
    pub auto_call_campaign_name: Option<String>,
    pub visitor_id: Option<i64>,
    pub person_id: Option<i64>,
    pub visitor_type: Option<String>,
    pub visitor_session_id: Option<i64>,
    pub visits_count: Option<i64>,
    pub visitor_first_campaign_id: Option<i64>,
    pub visitor_first_campaign_name: Option<String>,
    pub visitor_city: Option<String>,
    pub visitor_region: Option<String>,
    pub visitor_country: Option<String>,
    pub visitor_device: Option<String>,
    pub visitor_custom_properties: Option<Vec<PlainVisitorCustomProperty>>,
    pub segments: Option<Vec<PlainSegment>>,
    pub call_api_request_id: Option<i64>,
    pub call_api_external_id: Option<String>,
    pub contact_id: Option<i64>,
    pub contact_full_name: Option<String>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_term: Option<String>,
    pub utm_content: Option<String>,
    pub utm_campaign: Option<String>,
    pub openstat_ad: Option<String>,
    pub openstat_campaign: Option<String>,
    pub openstat_service: Option<String>,
    pub openstat_source: Option<String>,
    pub attributes: Option<Vec<String>>,
    pub eq_utm_source: Option<String>,
    pub eq_utm_medium: Option<String>,
    pub eq_utm_term: Option<String>,
    pub eq_utm_content: Option<String>,
    pub eq_utm_campaign: Option<String>,
    pub eq_utm_referrer: Option<String>,
    pub eq_utm_expid: Option<String>,
    pub source_id: Option<i64>,
    pub source_name: Option<String>,
    pub source_new: Option<String>,
    pub channel_new: Option<String>,
    pub channel_code: Option<String>,
    pub ext_id: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub struct PlainSegment {
    pub segment_id: Option<i64>,
    pub segment_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub struct PlainVisitorCustomProperty {
    pub property_name: Option<String>,
    pub property_value: Option<String>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub struct PlainEmployee {
    pub employee_id: Option<i64>,
    pub employee_full_name: Option<String>,
    pub is_answered: Option<bool>,
    pub is_talked: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub struct PlainTag {
    pub tag_name: Option<String>,
    pub tag_id: Option<i64>,
    pub tag_change_time: Option<String>,
    pub tag_type: Option<String>,
    pub tag_user_id: Option<i64>,
    pub tag_user_login: Option<String>,
    pub tag_employee_id: Option<i64>,
    pub tag_employee_full_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub struct PlainRecognizedText {
    pub id: Option<i64>,
    pub phrase: Option<String>,
    pub start_time: Option<String>,
    pub is_operator: Option<bool>,
    pub edited_phrase: Option<String>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub struct PlainScenarioOperation {
    pub id: Option<i64>,
    pub name: Option<String>,
}
