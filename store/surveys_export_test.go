package store

// The survey row structs, for the tests that read every table back.
type (
	SurveyInstrumentRow   = surveyInstrumentRow
	SurveyCampaignRow     = surveyCampaignRow
	SurveyCampaignUnitRow = surveyCampaignUnitRow
	SurveyResponseRow     = surveyResponseRow
	SurveyCodeRow         = surveyCodeRow
	SurveyReviewRow       = surveyReviewRow
	SurveyDeviceRow       = surveyDeviceRow
	SurveyInterviewerRow  = surveyInterviewerRow
	SurveyInterviewerUnit = surveyInterviewerUnitRow
	SurveyRefusalRow      = surveyRefusalRow
)
